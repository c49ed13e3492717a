"""The sweep of orphan files: the registry the apps fill, the grace period, the dry run, what
is never touched (referenced files are in records/tests/test_sweep.py, with real rows)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from tinhso.core import filesweep, periodic

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def put(root: Path, name: str, data: bytes = b"x", *, age: float = 2 * DAY) -> Path:
    """A file under the media root, last modified `age` seconds ago."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    moment = time.time() - age
    os.utime(path, (moment, moment))
    return path


def test_every_file_field_of_the_project_is_registered():
    fields = {
        (model._meta.label, f.name)
        for model in apps.get_models()
        if model.__module__.startswith("tinhso.")
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    }
    registered = {(r.model, r.field): r.prefix for r in filesweep.registered()}
    assert fields == set(registered)
    assert registered == {
        ("documents.DocumentFile", "file"): "documents/",
        ("dossiers.Attachment", "file"): "dossiers/",
        ("payments.Receipt", "pdf"): "payments/receipts/",
        ("records.RecordItem", "file"): "records/",
        ("signatures.SigningIdentity", "pkcs12_file"): "signatures/identities/",
    }


@pytest.mark.parametrize("prefix", ["", "/", "records", "/records/", "../records/", "a/../../b/"])
def test_a_prefix_that_could_reach_beyond_its_folder_is_refused(prefix, monkeypatch):
    monkeypatch.setattr(filesweep, "_FIELDS", {})
    with pytest.raises(ValueError, match="prefix"):
        filesweep.register(model="records.RecordItem", field="file", prefix=prefix)
    assert filesweep.registered() == []


def test_durations():
    assert filesweep.parse_duration("24h") == timedelta(hours=24)
    assert filesweep.parse_duration("24") == timedelta(hours=24)
    assert filesweep.parse_duration("90m") == timedelta(minutes=90)
    assert filesweep.parse_duration("2d") == timedelta(days=2)
    assert filesweep.parse_duration("0s") == timedelta(0)
    for bad in ("", "h", "-1h", "1w", "24 hours"):
        with pytest.raises(ValueError, match="duration"):
            filesweep.parse_duration(bad)


def test_the_sweep_is_a_daily_periodic_job():
    job = next(j for j in periodic.jobs() if j.name == "core.sweep_files")
    assert job.every_seconds == DAY


def test_a_dry_run_lists_the_old_orphans_and_deletes_nothing(media, capsys):
    old = put(media, "records/7/" + "a" * 64, b"12345")
    young = put(media, "documents/di/3/" + "b" * 64, b"123", age=3600)
    ca = put(media, "signatures/dev-ca/root.p12", b"key")  # no row, not a registered folder
    stray = put(media, "elsewhere/notes.txt")
    call_command("sweep_files")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("orphan\t5\t") and out[0].endswith("\trecords/7/" + "a" * 64)
    assert out[1] == (
        "2 file(s) (8 bytes) under the registered folders: 0 referenced, 1 within the grace "
        "period, 1 orphan(s) (5 bytes); dry run, nothing deleted"
    )
    assert len(out) == 2
    assert all(p.exists() for p in (old, young, ca, stray))


def test_delete_removes_old_orphans_only(media, capsys):
    old = put(media, "dossiers/4/" + "c" * 64, b"1234")
    older = put(media, "records/9/" + "d" * 64, b"12", age=30 * DAY)
    young = put(media, "records/9/" + "e" * 64, b"1", age=3600)
    ca = put(media, "signatures/dev-ca/root.p12")
    call_command("sweep_files", "--delete", "--older-than", "2h", verbosity=0)
    assert capsys.readouterr().out.strip().endswith("2 orphan(s) (6 bytes); 2 deleted (6 bytes)")
    assert not old.exists() and not older.exists()
    assert young.exists() and ca.exists()
    # A longer grace period keeps the young one; a shorter one takes it.
    assert filesweep.sweep(older_than=timedelta(hours=2), delete=True).deleted == 0
    assert filesweep.sweep(older_than=timedelta(minutes=30), delete=True).deleted == 1
    assert not young.exists()


def test_links_and_paths_outside_the_media_root_are_never_followed(media, tmp_path):
    outside = tmp_path / "outside"
    target = put(outside, "precious.pdf")
    secret_dir = put(outside, "dir/also.pdf")
    (media / "records").mkdir()
    (media / "records" / "link.pdf").symlink_to(target)
    (media / "records" / "linked-dir").symlink_to(secret_dir.parent, target_is_directory=True)
    result = filesweep.sweep(older_than=timedelta(0), delete=True)
    assert (result.scanned, result.deleted) == (0, 0)
    assert sorted(result.skipped) == ["records/link.pdf", "records/linked-dir/"]
    assert target.exists() and secret_dir.exists()
    assert (media / "records" / "link.pdf").is_symlink()


def test_deletion_is_refused_when_orphans_outnumber_referenced_files(media, monkeypatch):
    monkeypatch.setattr(filesweep, "SUSPICIOUS_ORPHANS", 2)
    files = [put(media, f"records/1/{i:064d}") for i in range(3)]
    with pytest.raises(CommandError, match="deletion refused: 3 orphans against 0 referenced"):
        call_command("sweep_files", "--delete", verbosity=0)
    assert all(f.exists() for f in files)
    job = next(j for j in periodic.jobs() if j.name == "core.sweep_files")
    ok, summary = periodic.run_job(job)
    assert not ok and "deletion refused" in summary
    assert all(f.exists() for f in files)
    call_command("sweep_files", "--delete", "--force", verbosity=0)
    assert not any(f.exists() for f in files)


def test_bad_arguments(media):
    with pytest.raises(CommandError, match="not a duration"):
        call_command("sweep_files", "--older-than", "soon")
    with pytest.raises(ValueError, match="negative"):
        filesweep.sweep(older_than=timedelta(hours=-1))


def test_the_fields_are_listed(capsys):
    call_command("sweep_files", "--list-fields")
    assert capsys.readouterr().out.splitlines() == [
        "documents.DocumentFile.file\tdocuments/",
        "dossiers.Attachment.file\tdossiers/",
        "payments.Receipt.pdf\tpayments/receipts/",
        "records.RecordItem.file\trecords/",
        "signatures.SigningIdentity.pkcs12_file\tsignatures/identities/",
    ]
