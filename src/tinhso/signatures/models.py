"""Signing keys, the certificates the province trusts, revocation lists, verification results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdentityKind(models.TextChoices):
    PERSONAL = "personal", _("Cá nhân (người có thẩm quyền ký)")
    ORGAN = "organ", _("Cơ quan, tổ chức (con dấu)")


class KeyStorage(models.TextChoices):
    """Where the private key lives: a PKCS#12 file, or a token or HSM reached through its
    PKCS#11 module (see docs/adr/0007-signatures-pades-and-trust.md)."""

    PKCS12 = "pkcs12", _("Tệp PKCS#12 (mã hóa bằng mật khẩu)")
    PKCS11 = "pkcs11", _("Thiết bị ký, HSM (PKCS#11, mở bằng mã PIN)")


class SigningIdentity(models.Model):
    """An official's or an organ's signing key with its certificate.

    The private key is kept either in a PKCS#12 file, encrypted by its passphrase as PKCS#12
    is, in Django's default storage, or on a token or HSM (`key_storage="pkcs11"`): the
    module, the token's label and the key's label or id say where, and the key never leaves
    the device. The platform never stores the passphrase or the PIN. The certificate's
    fields are copied out so that lists and checks need not parse it. An identity whose key
    is replaced is deactivated, never edited: signatures made with it name its certificate.
    """

    kind = models.CharField(_("loại"), max_length=10, choices=IdentityKind.choices)
    official = models.ForeignKey(
        "directory.Official",
        verbose_name=_("cán bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_identities",
    )
    organ = models.ForeignKey(
        "directory.Organ",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_identities",
    )
    label = models.CharField(_("tên hiển thị"), max_length=300)
    key_storage = models.CharField(
        _("nơi giữ khóa"), max_length=20, choices=KeyStorage.choices, default=KeyStorage.PKCS12
    )
    pkcs12_file = models.FileField(_("tệp PKCS#12"), upload_to="signatures/identities/", blank=True)
    pkcs12_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # A key on a token or HSM: the PKCS#11 module (one of SIGNATURE_PKCS11_MODULES), the
    # token's label (32 characters at most in PKCS#11), the key's label and/or id (hex).
    pkcs11_module = models.CharField(_("thư viện PKCS#11"), max_length=300, blank=True)
    pkcs11_token = models.CharField(_("nhãn thiết bị ký (token)"), max_length=32, blank=True)
    pkcs11_key_label = models.CharField(_("nhãn khóa trên thiết bị"), max_length=100, blank=True)
    pkcs11_key_id = models.CharField(_("mã khóa trên thiết bị (hex)"), max_length=64, blank=True)
    certificate_pem = models.TextField(_("chứng thư số (PEM)"))
    subject = models.CharField(_("chủ thể"), max_length=500)
    common_name = models.CharField(_("tên chung (CN)"), max_length=200)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu chứng thư"), max_length=64)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    class Meta:
        verbose_name = _("khóa ký số")
        verbose_name_plural = _("khóa ký số")
        ordering = ["kind", "label", "-not_after"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="personal", official__isnull=False, organ__isnull=True)
                    | Q(kind="organ", organ__isnull=False, official__isnull=True)
                ),
                name="signing_identity_owner_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(key_storage="pkcs12") & ~Q(pkcs12_file=""))
                    | (
                        Q(key_storage="pkcs11")
                        & ~Q(pkcs11_module="")
                        & ~Q(pkcs11_token="")
                        & (~Q(pkcs11_key_label="") | ~Q(pkcs11_key_id=""))
                    )
                ),
                name="signing_identity_key_matches_storage",
            ),
        ]
        indexes = [models.Index(fields=["organ", "is_active"])]

    def __str__(self) -> str:
        return self.label

    def valid_at(self, moment: object = None) -> bool:
        moment = moment or timezone.now()
        return self.not_before <= moment <= self.not_after  # type: ignore[operator]


class TrustAnchor(models.Model):
    """A certificate authority the province trusts: signatures whose certificate chains up to
    an active anchor are trusted. The national root CA and the licensed public CAs go here,
    with a note of where the certificate came from."""

    name = models.CharField(_("tên"), max_length=300)
    certificate_pem = models.TextField(
        _("chứng thư số (PEM)"),
        help_text=_("Chứng thư của CA, dạng PEM (-----BEGIN CERTIFICATE-----)."),
    )
    subject = models.CharField(_("chủ thể"), max_length=500, editable=False)
    fingerprint = models.CharField(
        _("dấu vân tay SHA-256"), max_length=64, unique=True, editable=False
    )
    not_before = models.DateTimeField(_("hiệu lực từ"), editable=False)
    not_after = models.DateTimeField(_("hiệu lực đến"), editable=False)
    source = models.TextField(
        _("nguồn"), blank=True, help_text=_("Lấy từ đâu, ngày nào, ai đã đối chiếu dấu vân tay.")
    )
    is_active = models.BooleanField(_("đang tin cậy"), default=True)
    is_development = models.BooleanField(
        _("CA phát triển"),
        default=False,
        help_text=_("CA tự tạo cho bản trình diễn và kiểm thử, không dùng thật."),
    )
    created_at = models.DateTimeField(_("ngày thêm"), default=timezone.now)

    class Meta:
        verbose_name = _("CA tin cậy")
        verbose_name_plural = _("CA tin cậy")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RevocationList(models.Model):
    """A certificate revocation list (CRL) loaded into the trust store, so that revocation is
    checked without network access. The newest list of an issuer replaces the older ones."""

    issuer = models.CharField(_("tổ chức cấp"), max_length=500, db_index=True)
    crl_der = models.BinaryField(_("CRL (DER)"))
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    number = models.PositiveBigIntegerField(_("số CRL"), null=True, blank=True)
    this_update = models.DateTimeField(_("ban hành lúc"))
    next_update = models.DateTimeField(_("cập nhật tiếp lúc"), null=True, blank=True)
    revoked_count = models.PositiveIntegerField(_("số chứng thư bị thu hồi"), default=0)
    source = models.CharField(_("nguồn"), max_length=500, blank=True)
    loaded_at = models.DateTimeField(_("nạp lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("danh sách thu hồi (CRL)")
        verbose_name_plural = _("danh sách thu hồi (CRL)")
        ordering = ["issuer", "-this_update"]

    def __str__(self) -> str:
        return f"{self.issuer} ({self.this_update:%d/%m/%Y %H:%M})"


class CheckStatus(models.TextChoices):
    """The result of one signature, and of a file (its worst signature; `unsigned` without)."""

    VALID = "valid", _("Hợp lệ")
    MODIFIED = "modified", _("Nội dung đã bị sửa sau khi ký")
    UNTRUSTED = "untrusted", _("Người ký không được tin cậy")
    REVOKED = "revoked", _("Chứng thư số đã bị thu hồi")
    INVALID = "invalid", _("Chữ ký không hợp lệ (hỏng cấu trúc)")
    UNSIGNED = "unsigned", _("Không có chữ ký số")


class SignatureCheck(models.Model):
    """The verification of one file, stored once by its SHA-256 so that it can be shown later
    without verifying again. `results` holds one entry per signature (see
    `verify.SignatureResult.as_json`); `subject` says what the file belongs to as a plain key
    ("document:12"), since this app sits below the ones that hold files."""

    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    subject = models.CharField(_("thuộc về"), max_length=200, blank=True, db_index=True)
    filename = models.CharField(_("tên tệp"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    status = models.CharField(_("kết quả"), max_length=10, choices=CheckStatus.choices)
    signature_count = models.PositiveSmallIntegerField(_("số chữ ký"))
    results = models.JSONField(_("kết quả từng chữ ký"), default=list)
    checked_at = models.DateTimeField(_("kiểm tra lúc"), default=timezone.now, db_index=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người kiểm tra"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kết quả kiểm tra chữ ký")
        verbose_name_plural = _("kết quả kiểm tra chữ ký")
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… {self.get_status_display()}"
