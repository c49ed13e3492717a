"""The periodic jobs: registry, schedule, failures that do not stop the others, the command."""

import threading

import pytest
from django.core.management import CommandError, call_command

from tinhso.core import periodic


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' own jobs are put back afterwards)."""
    jobs: dict[str, periodic.Job] = {}
    monkeypatch.setattr(periodic, "_JOBS", jobs)
    return jobs


def test_the_apps_register_their_jobs():
    assert {(j.name, j.every_seconds) for j in periodic.jobs()} >= {
        ("dossiers.watch_deadlines", 900),
        ("notifications.retry", 900),
    }


def test_jobs_run_when_due_and_the_wait_is_to_the_next(registry):
    runs = []
    periodic.register(name="a", every_seconds=10, run=lambda: runs.append("a") or "ok")
    periodic.register(name="b", every_seconds=25, run=lambda: runs.append("b") or "ok")
    last: dict[str, float] = {}
    reports = []

    def report(job, ok, summary):
        reports.append((job.name, ok, summary))

    assert periodic.run_due(last, 100.0, report) == 10.0
    assert runs == ["a", "b"]
    assert periodic.run_due(last, 105.0, report) == 5.0  # nothing due yet
    assert runs == ["a", "b"]
    assert periodic.run_due(last, 110.0, report) == 10.0
    assert runs == ["a", "b", "a"]
    assert periodic.run_due(last, 125.0, report) == 10.0  # a at 125 (next 135), b at 125 (150)
    assert runs == ["a", "b", "a", "a", "b"]
    assert reports[0] == ("a", True, "ok")


def test_a_failing_job_is_reported_and_the_others_run(registry):
    def broken():
        raise RuntimeError("mail server down")

    periodic.register(name="a.broken", every_seconds=60, run=broken)
    periodic.register(name="b.fine", every_seconds=60, run=lambda: "fine")
    reports = []
    periodic.run_due({}, 0.0, lambda job, ok, summary: reports.append((job.name, ok, summary)))
    assert reports == [
        ("a.broken", False, "RuntimeError: mail server down"),
        ("b.fine", True, "fine"),
    ]


def test_run_forever_stops_when_asked(registry, monkeypatch):
    closed = []  # connections are tidied around every round, as at a request's end
    monkeypatch.setattr(periodic, "close_old_connections", lambda: closed.append(1))
    stop = threading.Event()
    runs = []

    def job():
        runs.append(1)
        stop.set()
        return "done"

    periodic.register(name="once", every_seconds=3600, run=job)
    periodic.run_forever(lambda *a: None, stop=stop)
    assert runs == [1]
    assert closed == [1, 1]


def test_a_bad_interval_is_refused(registry):
    with pytest.raises(ValueError, match="every_seconds"):
        periodic.register(name="x", every_seconds=0, run=lambda: "")
    assert registry == {}


def test_command_once_and_list(registry, capsys):
    periodic.register(name="fine", every_seconds=60, run=lambda: "3 done")
    call_command("periodic", "--list")
    assert capsys.readouterr().out == "fine\tevery 60 s\n"
    call_command("periodic", "--once")
    assert capsys.readouterr().out.rstrip().endswith("fine: 3 done")
    periodic.register(name="gone", every_seconds=60, run=lambda: 1 / 0)
    with pytest.raises(CommandError, match="failed: gone"):
        call_command("periodic", "--once")


@pytest.mark.django_db
def test_the_deadline_job_runs_against_the_database():
    job = next(j for j in periodic.jobs() if j.name == "dossiers.watch_deadlines")
    assert periodic.run_job(job) == (
        True,
        "checked 0 dossier(s): 0 new alert(s), 0 apology letter(s), 0 message(s) queued",
    )
