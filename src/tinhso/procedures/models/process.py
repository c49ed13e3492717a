"""The process template of a procedure: steps, who does them, and where each action leads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Role
from tinhso.procedures.models.catalogue import Procedure


class StepAction(models.TextChoices):
    ASSIGN = "assign", _("Phân công")
    FORWARD = "forward", _("Chuyển bước tiếp")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    APPROVE = "approve", _("Phê duyệt")
    REFUSE = "refuse", _("Từ chối (nêu lý do)")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUSPEND = "suspend", _("Tạm dừng")
    HAND_OVER = "hand_over", _("Chuyển liên thông")
    REGISTER_RESULT = "register_result", _("Vào sổ kết quả")
    RETURN_RESULT = "return_result", _("Trả kết quả")


class ProcessStep(models.Model):
    """One step of the template.

    `organ_scope` says where the step runs: in the organ that received the dossier, in the
    organ above it (a district step for a commune intake), or in a named organ (liên thông to
    another organ or level). `transitions` maps an action to the key of the next step; an
    action absent from it ends the step's path (refusal, result returned).
    """

    class Scope(models.TextChoices):
        RECEIVING = "receiving", _("Cơ quan tiếp nhận")
        PARENT = "parent", _("Cơ quan cấp trên")
        ORGAN = "organ", _("Cơ quan được chỉ định")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(_("mã bước"), max_length=40)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=300)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    organ_scope = models.CharField(
        _("nơi thực hiện"), max_length=10, choices=Scope.choices, default=Scope.RECEIVING
    )
    organ = models.ForeignKey(
        "directory.Organ",
        verbose_name=_("cơ quan được chỉ định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duration_hours = models.PositiveIntegerField(_("thời gian (giờ làm việc)"))
    actions = models.JSONField(_("các thao tác được phép"), default=list)
    transitions = models.JSONField(_("bước tiếp theo theo thao tác"), default=dict, blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình xử lý")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "key"], name="process_step_key"),
            models.UniqueConstraint(fields=["procedure", "order"], name="process_step_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
