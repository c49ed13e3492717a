"""Processes of a node on this machine (the two-node demo and the soak test, ADR 0012): its
environment under one directory, `tinhso` commands run in it, and serving it. No Django
imports: the soak test uses it before settings exist.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def node_env(
    directory: Path,
    *,
    database_url: str = "",
    extra: Mapping[str, str] | None = None,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a node kept under `directory`: its own database (SQLite there
    unless `database_url`), media, development identity and keys file; development mode, tasks
    run in process (no task worker to start). Makes `directory` if missing."""
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ if base is None else base)
    env.update(
        {
            # Set, not removed: the repository's .env must not give the node the first's.
            "EXCHANGE_KEY_FILE": "",
            "EXCHANGE_CERT_FILE": "",
            "EXCHANGE_PEER_KEYS": "{}",
            "DJANGO_SETTINGS_MODULE": "tinhso.config.base",
            "DEBUG": env.get("DEBUG", "true") or "true",
            "DATABASE_URL": database_url or f"sqlite:///{directory / 'tinhso.sqlite3'}",
            "MEDIA_ROOT": str(directory / "media"),
            "EXCHANGE_DEV_IDENTITY": "true",
            "EXCHANGE_DEV_DIR": str(directory / "exchange"),
            "EXCHANGE_PEER_KEYS_FILE": str(directory / "exchange" / "peer-keys.json"),
            "TASK_BACKEND": "immediate",
        }
    )
    env.update(extra or {})
    return env


def tinhso_command(*args: str) -> list[str]:
    """`tinhso <args>` with this interpreter (the project's virtualenv)."""
    return [sys.executable, "-m", "tinhso.cli", *args]


def run_in(env: Mapping[str, str], *args: str, stdin: str | None = None) -> str:
    """Run `tinhso <args>` in `env`, return its stdout; raise RuntimeError with its stderr."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and command)
        tinhso_command(*args),
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"tinhso {' '.join(args)} failed:\n{done.stderr[-4000:]}")
    return done.stdout


def serve(env: Mapping[str, str], *, port: int, every: float = 2.0, log_dir: Path) -> int:
    """Serve the node of `env` on 127.0.0.1:`port` with its outbox worker until interrupted
    (Ctrl-C, SIGTERM) or one of them stops; both are then stopped. Returns an exit status."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "worker.log").open("ab") as log:
        worker = subprocess.Popen(  # noqa: S603
            tinhso_command("exchange", "send", "--every", str(every)),
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = subprocess.Popen(  # noqa: S603
        tinhso_command("runserver", f"127.0.0.1:{port}", "--noreload"), env=dict(env)
    )
    stop = {"now": False}

    def _stop(_signum: int, _frame: object) -> None:
        stop["now"] = True

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop["now"] and server.poll() is None and worker.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=1)
    except KeyboardInterrupt:
        stop["now"] = True
    finally:
        signal.signal(signal.SIGTERM, previous)
        for process in (server, worker):
            if process.poll() is None:
                process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    if stop["now"]:  # stopped on purpose
        return 0
    return server.returncode or worker.returncode or 1
