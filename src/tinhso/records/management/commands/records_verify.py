"""`tinhso records_verify <package.zip> [...]`: check archive packages of work records.

Prints what each package holds or every problem found (a changed, missing or added file, an
invalid or inconsistent metadata file); exits with status 1 when a package is not intact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tinhso.records.verify import Finding, verify_package


def describe(finding: Finding) -> str:
    """A finding in Vietnamese."""
    messages = {
        "bad_zip": _("Không phải tệp ZIP hợp lệ: %(d)s"),
        "unsafe_path": _("Tên tệp không an toàn hoặc trùng lặp trong gói: %(p)s"),
        "no_manifest": _("Gói không có tệp kê mã băm manifest-sha256.txt."),
        "bad_manifest_line": _("Dòng %(d)s của manifest-sha256.txt không đúng định dạng."),
        "missing": _("Thiếu tệp %(p)s (có trong manifest, không có trong gói)."),
        "unlisted": _("Tệp %(p)s có trong gói nhưng không có trong manifest."),
        "checksum": _("Tệp %(p)s đã bị thay đổi: mã băm SHA-256 không khớp. %(d)s"),
        "no_metadata": _("Gói thiếu metadata.xml hoặc metadata.json."),
        "invalid_xml": _("metadata.xml không phải XML hợp lệ: %(d)s"),
        "schema": _("metadata.xml không đúng lược đồ (dòng %(d)s)."),
        "json_mismatch": _("metadata.json không khớp với metadata.xml."),
        "metadata_file": _("Tệp %(p)s không khớp với mô tả trong metadata (%(d)s)."),
        "counts": _("Tổng số văn bản hoặc số trang không khớp với mục lục (%(d)s)."),
    }
    template = messages.get(finding.code, "%(p)s %(d)s")
    return (template % {"p": finding.path, "d": finding.detail}).strip()


class Command(BaseCommand):
    help = (
        "Verify archive packages of work records: every file against the SHA-256 manifest, "
        "the metadata against the schema and each other. Exit status 1 if one is not intact."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("packages", nargs="+", type=Path, help="ZIP files of record packages")

    def handle(self, *args: Any, **options: Any) -> None:
        broken = 0
        for path in options["packages"]:
            if not path.is_file():
                raise CommandError(_("Không có tệp %(p)s.") % {"p": path})
            result = verify_package(path)
            if result.ok:
                self.stdout.write(
                    self.style.SUCCESS(
                        _("%(p)s: nguyên vẹn · hồ sơ %(c)s · %(n)s tệp đã kiểm tra.")
                        % {"p": path, "c": result.file_code, "n": result.files_checked}
                    )
                )
                continue
            broken += 1
            self.stdout.write(self.style.ERROR(_("%(p)s: KHÔNG nguyên vẹn") % {"p": path}))
            for finding in result.findings:
                self.stdout.write(f"  - {describe(finding)}")
        if broken:
            raise CommandError(_("%(n)s gói hồ sơ không nguyên vẹn.") % {"n": broken}, returncode=1)
