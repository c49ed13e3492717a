"""Admin of the signatures app: every write goes through the services (audit, data stamp)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tinhso.signatures import certs
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import (
    RevocationList,
    SignatureCheck,
    SigningIdentity,
    TrustAnchor,
)
from tinhso.signatures.services import (
    identity_deactivate,
    identity_import,
    revocation_list_load,
    trust_anchor_add,
    trust_anchor_update,
)


class TrustAnchorForm(forms.ModelForm):
    class Meta:
        model = TrustAnchor
        fields = ["name", "certificate_pem", "source", "is_active"]

    def clean_certificate_pem(self) -> str:
        pem = self.cleaned_data["certificate_pem"]
        if self.instance.pk:
            return self.instance.certificate_pem  # a certificate never changes
        try:
            facts = certs.facts(certs.load_certificate(pem))
        except SignatureError as error:
            raise forms.ValidationError(error.message) from error
        if not facts.is_ca:
            raise forms.ValidationError(SignatureError("not_a_ca", subject=facts.subject).message)
        return pem


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin):
    """The CAs the province trusts; a certificate is pasted once, then only its name, note
    and whether it is trusted change."""

    form = TrustAnchorForm
    list_display = ("name", "subject", "not_after", "is_active", "is_development")
    list_filter = ("is_active", "is_development")
    search_fields = ("name", "subject", "fingerprint")
    readonly_fields = ("subject", "fingerprint", "not_before", "not_after", "is_development")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        extra = ("certificate_pem",) if obj is not None else ()
        return (*self.readonly_fields, *extra)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            trust_anchor_update(
                anchor=TrustAnchor.objects.get(pk=obj.pk),
                is_active=obj.is_active,
                name=obj.name,
                source=obj.source,
                actor=request.user,
            )
            return
        created = trust_anchor_add(
            certificate=form.cleaned_data["certificate_pem"],
            name=obj.name,
            source=obj.source,
            actor=request.user,
        )
        obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: stored results name their anchor


class IdentityImportForm(forms.ModelForm):
    pkcs12 = forms.FileField(label=_("Tệp PKCS#12 (.p12, .pfx)"))
    passphrase = forms.CharField(
        label=_("Mật khẩu của tệp"), widget=forms.PasswordInput, required=False, strip=False
    )

    class Meta:
        model = SigningIdentity
        fields = ["kind", "official", "organ", "label"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("pkcs12")
        if upload is None:
            return data
        try:
            data["identity"] = identity_import(
                pkcs12_data=upload.read(),
                passphrase=data.get("passphrase") or None,
                kind=data.get("kind", ""),
                official=data.get("official"),
                organ=data.get("organ"),
                label=data.get("label", ""),
                actor=getattr(self, "actor", None),
            )
        except SignatureError as error:
            raise forms.ValidationError(error.message) from error
        return data


@admin.register(SigningIdentity)
class SigningIdentityAdmin(admin.ModelAdmin):
    """Signing keys: added by uploading a PKCS#12 file, retired by the action below."""

    list_display = ("label", "kind", "common_name", "serial", "not_after", "is_active")
    list_filter = ("kind", "is_active", "key_storage")
    search_fields = ("label", "common_name", "subject", "serial", "fingerprint")
    list_select_related = ("official__user", "organ")
    raw_id_fields = ("official", "organ")
    actions = ["deactivate"]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = IdentityImportForm
            form = super().get_form(request, obj, **kwargs)
            form.actor = request.user
            return form
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return [f.name for f in SigningIdentity._meta.fields]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.pk = form.cleaned_data["identity"].pk  # written by identity_import

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Ngừng sử dụng các khóa ký đã chọn"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[SigningIdentity]) -> None:
        count = 0
        for identity in queryset.filter(is_active=True):
            identity_deactivate(identity=identity, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Đã ngừng sử dụng %(count)d khóa ký.", "Đã ngừng sử dụng %(count)d khóa ký.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


class RevocationListForm(forms.ModelForm):
    crl_file = forms.FileField(label=_("Tệp CRL (.crl, DER hoặc PEM)"))

    class Meta:
        model = RevocationList
        fields = ["source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("crl_file")
        if upload is not None:
            try:
                data["loaded"] = revocation_list_load(
                    crl=upload.read(),
                    source=data.get("source", ""),
                    actor=getattr(self, "actor", None),
                )
            except SignatureError as error:
                raise forms.ValidationError(error.message) from error
        return data


@admin.register(RevocationList)
class RevocationListAdmin(admin.ModelAdmin):
    list_display = ("issuer", "number", "this_update", "next_update", "revoked_count")
    search_fields = ("issuer",)
    exclude = ("crl_der",)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = RevocationListForm
            form = super().get_form(request, obj, **kwargs)
            form.actor = request.user
            return form
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return [f.name for f in RevocationList._meta.fields if f.name != "crl_der"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.pk = form.cleaned_data["loaded"].pk

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)


@admin.register(SignatureCheck)
class SignatureCheckAdmin(admin.ModelAdmin):
    """Stored verification results: read-only."""

    list_display = ("checked_at", "sha256", "subject", "filename", "status", "signature_count")
    list_filter = ("status",)
    search_fields = ("sha256", "subject", "filename")
    date_hierarchy = "checked_at"
    readonly_fields = [f.name for f in SignatureCheck._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
