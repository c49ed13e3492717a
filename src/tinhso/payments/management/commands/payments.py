"""`tinhso payments report --organ ID --date YYYY-MM-DD --out file.xlsx`: the daily
reconciliation report of one organ; `tinhso payments sign-receipts`: sign waiting receipts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.directory.models import Organ
from tinhso.payments.receipts import sign_pending
from tinhso.payments.reconciliation import daily_report
from tinhso.payments.reconciliation_excel import report_workbook


class Command(BaseCommand):
    help = "Payments: the daily reconciliation report of an organ; signing waiting receipts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="write an organ's daily reconciliation as .xlsx")
        report.add_argument("--organ", type=int, required=True, help="the organ's id")
        report.add_argument("--date", required=True, help="the day, YYYY-MM-DD (Vietnam time)")
        report.add_argument("--out", required=True, help="the .xlsx file to write")
        report.add_argument(
            "--no-gateway", action="store_true", help="do not ask the gateways (offline)"
        )
        sign = sub.add_parser("sign-receipts", help="sign every receipt not signed yet")
        sign.add_argument("--limit", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sign-receipts":
            counts = sign_pending(limit=options["limit"], settle_seconds=0)
            self.stdout.write(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
            return
        organ = Organ.objects.filter(pk=options["organ"]).first()
        if organ is None:
            raise CommandError(f"--organ: no organ with id {options['organ']}")
        try:
            day = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date: not YYYY-MM-DD: {options['date']}") from None
        self.stdout.write(f"{organ.name}, {day:%d/%m/%Y}: reading payments…")
        report = daily_report(organ=organ, day=day, check_gateway=not options["no_gateway"])
        out = Path(options["out"])
        out.write_bytes(report_workbook(report))
        self.stdout.write(
            f"{len(report.lines)} payment(s), {report.paid.count} paid "
            f"({report.paid.amount} đồng), {report.refunded.count} refunded, "
            f"{report.mismatches} mismatch(es) → {out}"
        )
