"""Saved approval chains (quy trình duyệt) of an organ: who reviews a draft, in which order, and
who approves it last."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Official, Organ


class ApprovalChain(models.Model):
    """A saved chain of `organ`: its `steps` in order, reviewers (cho ý kiến) first and the
    approver (phê duyệt) last. Chosen when a draft is sent for review, its steps are copied
    into the document's `ApprovalStep` rows then, so a later edit or deactivation of the chain
    never changes a document already in review. Written only through the services
    (`services.chains`), which keep the steps valid and bump `version` on each change."""

    organ = models.ForeignKey(
        Organ,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="approval_chains",
    )
    name = models.CharField(_("tên quy trình"), max_length=200)
    active = models.BooleanField(_("đang sử dụng"), default=True)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("quy trình duyệt")
        verbose_name_plural = _("quy trình duyệt")
        ordering = ["organ", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "name"], name="approval_chain_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def members(self) -> list[Official]:
        """The officials of the chain in order; the last one approves."""
        return [step.official for step in self.steps.all()]


class ApprovalChainStep(models.Model):
    """One step of a saved chain; the step with the highest `order` is the approver's."""

    chain = models.ForeignKey(ApprovalChain, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    official = models.ForeignKey(
        Official, verbose_name=_("người duyệt"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bước của quy trình duyệt")
        verbose_name_plural = _("bước của quy trình duyệt")
        ordering = ["chain", "order"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "order"], name="approval_chain_step_order"),
            models.UniqueConstraint(
                fields=["chain", "official"], name="approval_chain_step_official"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain_id}.{self.order} {self.official}"
