"""Orphan files of records, made as they are made in production: an attachment whose
transaction rolled back after its file was written, an item removed whose deferred deletion
never ran. The sweep deletes them once past the grace period, never a referenced file."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from tinhso.core import filesweep
from tinhso.records import services
from tinhso.records.models import RecordItem
from tinhso.records.tests.conftest import pdf_bytes

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


class Rollback(Exception):
    pass


def _age(name: str, seconds: float) -> Path:
    path = Path(settings.MEDIA_ROOT) / name
    moment = time.time() - seconds
    os.utime(path, (moment, moment))
    return path


def _attach_and_roll_back(record, actor, pages: int) -> str:
    """Attach inside a transaction that then fails: the row goes, the file stays."""
    before = set(_files())
    with pytest.raises(Rollback), transaction.atomic():
        services.record_attach(
            record=record, actor=actor, name="bien-ban.pdf", data=pdf_bytes(pages)
        )
        raise Rollback
    [name] = set(_files()) - before
    return name


def _files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_orphans_are_deleted_past_the_grace_period_referenced_files_never(record, org, capsys):
    keeper = org["handler"].user
    kept = services.record_attach(
        record=record, actor=keeper, name="to-trinh.pdf", data=pdf_bytes(1)
    )
    rolled_back = _attach_and_roll_back(record, keeper, pages=2)
    young = _attach_and_roll_back(record, keeper, pages=3)
    removed = services.record_attach(
        record=record, actor=keeper, name="nhap.pdf", data=pdf_bytes(4)
    )
    removed_name = removed.file.name
    # The removal's deletion waits for a commit that never comes in this test's transaction,
    # as when a process dies between the commit and the deletion.
    services.record_remove_item(record=record, actor=keeper, item=removed)
    assert not RecordItem.objects.filter(file=removed_name).exists()
    for name in (kept.file.name, rolled_back, removed_name):
        _age(name, 2 * DAY)
    _age(young, 3600)
    assert not RecordItem.objects.filter(file__in=[rolled_back, young]).exists()
    files = _files()

    # Dry run: the two old orphans are listed, nothing is deleted.
    call_command("sweep_files")
    out = capsys.readouterr().out.splitlines()
    assert sorted(line.rsplit("\t", 1)[1] for line in out[:-1]) == sorted(
        [rolled_back, removed_name]
    )
    assert out[-1].startswith("4 file(s) (")
    assert out[-1].endswith(
        "1 referenced, 1 within the grace period, 2 orphan(s) "
        f"({len(pdf_bytes(2)) + len(pdf_bytes(4))} bytes); dry run, nothing deleted"
    )
    assert _files() == files

    # With --delete: the old orphans go; the referenced file and the young orphan stay.
    call_command("sweep_files", "--delete", verbosity=0)
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith(f"2 deleted ({len(pdf_bytes(2)) + len(pdf_bytes(4))} bytes)")
    )
    assert _files() == sorted([kept.file.name, young])
    with kept.file.open("rb") as handle:
        assert handle.read() == pdf_bytes(1)


def test_a_file_referenced_since_the_first_look_is_kept(record, org, monkeypatch):
    """Between listing and deleting, a row comes to reference the file: it is kept."""
    keeper = org["handler"].user
    orphan = _attach_and_roll_back(record, keeper, pages=1)
    _age(orphan, 2 * DAY)
    looks = []
    real = filesweep._referenced

    def referenced(references, names):
        looks.append(list(names))
        if len(looks) == 2:  # the re-check just before deleting
            return {orphan}
        return real(references, names)

    monkeypatch.setattr(filesweep, "_referenced", referenced)
    result = filesweep.sweep(older_than=timedelta(hours=24), delete=True)
    assert [name for name, _size in result.orphans] == [orphan]
    assert (result.deleted, looks) == (0, [[orphan], [orphan]])
    assert (Path(settings.MEDIA_ROOT) / orphan).exists()
