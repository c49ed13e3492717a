"""Document registers (sổ văn bản): one numbering series per organ, year, kind and secrecy."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Organ


class Register(models.Model):
    """One register of `organ` for `year`: outgoing, legal normative (outgoing, its notation
    carries the year) or incoming; classified documents have their own series.

    The row is also the counter: `last` is the number given last. Services lock it with
    `select_for_update` and increment it inside the transaction that issues or registers a
    document, so a rolled-back action gives its number back: numbers are gapless and unique,
    starting at 1 each year (Decree 30/2020, art. 15 and 22).
    """

    class Kind(models.TextChoices):
        OUTGOING = "outgoing", _("Sổ văn bản đi")
        LEGAL = "legal", _("Sổ văn bản quy phạm pháp luật")
        INCOMING = "incoming", _("Sổ văn bản đến")

    organ = models.ForeignKey(
        Organ, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="registers"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại sổ"), max_length=10, choices=Kind.choices)
    classified = models.BooleanField(_("sổ văn bản mật"), default=False)
    last = models.PositiveIntegerField(_("số đã cấp cuối cùng"), default=0)
    created_at = models.DateTimeField(_("ngày mở sổ"), auto_now_add=True)

    class Meta:
        verbose_name = _("sổ văn bản")
        verbose_name_plural = _("sổ văn bản")
        ordering = ["organ", "-year", "kind", "classified"]
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "year", "kind", "classified"], name="document_register_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="legal", classified=True), name="document_register_legal_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year} · {self.organ.short_name}"

    @property
    def title(self) -> str:
        label = str(self.Kind(self.kind).label)
        if not self.classified:
            return label
        return _("%(register)s mật") % {"register": label}

    @property
    def is_incoming(self) -> bool:
        return self.kind == self.Kind.INCOMING
