"""The exchange soak test (issue 5, "Reliability"; bench/README.md, 6; ADR 0012).

    .venv/bin/python bench/exchange_soak.py                          # 10,000 documents, 20 kills
    .venv/bin/python bench/exchange_soak.py --documents 200 --kills 3 # the short form (CI)
    .venv/bin/python bench/exchange_soak.py --db postgres --keep      # PostgreSQL, keep the files

Two nodes on loopback, each its own database (PostgreSQL when reachable at 127.0.0.1:5432 as
tinhso, else SQLite files), media and development identity: node 1 (Kiên Giang) and node 2
(Hậu Giang), paired both ways with `twonode.pair_with` as `tinhso exchange second-node` does.
Each node is gunicorn (2 sync workers) and its outbox worker (`tinhso exchange send
--every 0.5`), real processes. This process is node 1's clerk: it drafts, approves, signs,
issues and distributes N documents with a PDF attachment to node 2's organs through the
documents services (the outbox written in the distributing transaction), while node 2 (its
server and worker together) is killed with SIGKILL at --kills random moments and restarted
after 0.5–3 s. Node 2's inbox accepts each package (verified and stored before it answers);
its worker then turns it into an incoming document and sends status 01 back (a kill between
the two leaves the package accepted, and the restarted worker applies it).

Then it waits until every message settled (a message given up, "dead", is replayed and
counted) and checks: node 2 has exactly one incoming document per document sent, keyed by
exchange_ref, none twice; node 1's outbox has every document sent; every recipient line on
node 1 carries the message id of an incoming document on node 2 and the status code of that
document's state; node 2's status messages were all sent; every package accepted on either
node was applied (no inbox row left accepted, failed or dead); both message logs verify. Prints
the figures and PASS or FAIL (exit status 1).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = {"host": "127.0.0.1", "port": 5432, "user": "tinhso", "password": "tinhso"}
PG_PREFIX = os.environ.get("SOAK_DB_PREFIX", "tinhso_soak")
THERE = ("000.00.00.H30", "000.00.01.H30", "000.00.02.H30", "000.00.03.H30")
NODE_SETTINGS = {
    # Retries come fast so that a soak of minutes sees many; a message may still be given up
    # while node 2 is down (6 attempts over ~30 s): it is then replayed and counted.
    "EXCHANGE_RETRY_BASE_SECONDS": "0.5",
    "EXCHANGE_MAX_ATTEMPTS": "6",
    "EXCHANGE_HTTP_TIMEOUT": "15",
    "NATIONAL_PORTAL_URL": "",
    "LOG_LEVEL": "WARNING",
}
NODE2_REPORT = """
import json
from django.db.models import Count
from tinhso.documents.models import IncomingDocument
from tinhso.exchange import messagelog
from tinhso.exchange.models import InboxMessage, MessageLog, OutboxMessage
rows = IncomingDocument.objects.filter(source="exchange")
incoming = list(rows.values_list("exchange_ref", "state"))
print("SOAK-JSON " + json.dumps({
    "incoming": incoming,
    "inbox": dict(InboxMessage.objects.values_list("kind").annotate(n=Count("pk"))),
    "inbox_states": dict(InboxMessage.objects.values_list("state").annotate(n=Count("pk"))),
    "outbox": dict(OutboxMessage.objects.values_list("state").annotate(n=Count("pk"))),
    "duplicates": MessageLog.objects.filter(direction="duplicate").count(),
    "log_ok": messagelog.verify().ok,
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(dbname="postgres", connect_timeout=3, **PG):
            return True
    except Exception:
        return False


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **PG) as conn:
        conn.execute(sql)


def pg_url(name: str) -> str:
    return f"postgres://{PG['user']}:{PG['password']}@{PG['host']}:{PG['port']}/{name}"


class Node:
    """One node's processes: gunicorn and the outbox worker, each in its own session so that
    a kill takes the whole node (gunicorn's master and workers) at once."""

    def __init__(self, name: str, env: dict[str, str], port: int, logs: Path) -> None:
        self.name, self.env, self.port, self.logs = name, env, port, logs
        self.processes: list[subprocess.Popen[bytes]] = []
        self.lock = threading.Lock()
        self.restarts = 0

    def start(self, *, wait: bool = True) -> bool:
        """Start the node's processes; with `wait`, until it answers /healthz (120 s at most,
        False if it did not: a kill meanwhile, or a failure to start)."""
        with self.lock:
            if self.processes:  # started by another restart meanwhile
                return True
            log = (self.logs / f"{self.name}.log").open("ab")
            server = [
                PYTHON, "-m", "gunicorn", "tinhso.config.wsgi:application",
                "--workers", "2", "--worker-class", "sync", "--timeout", "60",
                "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
                "--no-control-socket",
            ]  # fmt: skip
            worker = [PYTHON, "-m", "tinhso.cli", "exchange", "send", "--every", "0.5"]
            self.processes = [
                subprocess.Popen(
                    command, env=self.env, stdout=log, stderr=log, start_new_session=True
                )
                for command in (server, worker)
            ]
        deadline = time.monotonic() + 120
        while wait and time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{self.port}/healthz"
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return True
            except OSError:
                time.sleep(0.3)
        return not wait

    def kill(self) -> None:
        """SIGKILL every process of the node, at once."""
        with self.lock:
            self._kill(signal.SIGKILL)

    def _kill(self, how: signal.Signals) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, how)
        for process in self.processes:
            process.wait()
        self.processes = []

    def restart_after(self, delay: float) -> threading.Thread:
        thread = threading.Thread(target=lambda: (time.sleep(delay), self.start()), daemon=True)
        self.restarts += 1
        thread.start()
        return thread

    def stop(self) -> None:
        with self.lock:
            self._kill(signal.SIGTERM)


def prepare(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, str], dict[str, str], str]:
    """Make both nodes' databases (node 1 migrated, node 2 a copy) and environments."""
    sys.path.insert(0, str(ROOT / "src"))
    from tinhso.exchange.nodeprocs import node_env, tinhso_command

    use_pg = args.db == "postgres" or (args.db == "auto" and pg_available())
    urls = ("", "")
    if use_pg:
        names = (f"{PG_PREFIX}_1", f"{PG_PREFIX}_2")
        for name in names:
            pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {names[0]}")
        urls = (pg_url(names[0]), pg_url(names[1]))
    env1 = node_env(tmp / "node1", database_url=urls[0], extra=NODE_SETTINGS)
    env2 = node_env(tmp / "node2", database_url=urls[1], extra=NODE_SETTINGS)
    env1["PROVINCE_CODE"], env2["PROVINCE_CODE"] = "91", "93"
    started = time.monotonic()
    subprocess.run(
        tinhso_command("migrate", "--noinput"), env=env1, check=True, stdout=subprocess.DEVNULL
    )
    if use_pg:
        pg_admin(f"CREATE DATABASE {PG_PREFIX}_2 TEMPLATE {PG_PREFIX}_1")
    else:
        for suffix in ("", "-wal"):
            source = tmp / "node1" / f"tinhso.sqlite3{suffix}"
            if source.exists():
                shutil.copy(source, tmp / "node2" / source.name)
    print(f"databases: {'PostgreSQL' if use_pg else 'SQLite'}, migrated in "
          f"{time.monotonic() - started:.0f} s")  # fmt: skip
    return env1, env2, "postgres" if use_pg else "sqlite"


def pair_nodes(env2: dict[str, str], port1: int, port2: int) -> dict[str, Any]:
    """Node 1 (this process) gets Kiên Giang's directory and is paired both ways with node 2
    (Hậu Giang), as `tinhso exchange second-node` pairs them; returns `twonode.pair_with`'s."""
    from tinhso.exchange import twonode

    twonode.seed_province(twonode.PROVINCES["kiengiang"])
    return twonode.pair_with(
        env2,
        name="haugiang",
        base_url=f"http://127.0.0.1:{port2}",
        peer_name="kiengiang",
        peer_url=f"http://127.0.0.1:{port1}",
        seed="haugiang",
    )


def pdf(rng: random.Random, kb: int) -> bytes:
    """A small valid PDF padded with comment lines to about `kb` KB (never two alike)."""
    padding = b"".join(b"%" + rng.randbytes(32).hex().encode() + b"\n" for _ in range(kb * 15))
    return b"%PDF-1.4\n" + padding + b"1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def issue_and_distribute(*, summary: str, to: list[str], upload: tuple[str, bytes]) -> None:
    """Node 1's clerk's day for one document (the soak's and the throughput benchmark's):
    the specialist drafts it for Kiên Giang's committee with `upload` as its file, the chairman
    approves and signs it, the clerk issues it and distributes it to the organs `to`, which
    writes one signed package per outside organ to the outbox
    (`documents.exchange_glue.write_outbox`)."""
    from tinhso.directory.models import OrganIdentifier, User
    from tinhso.documents import services

    drafter = User.objects.get(username="chuyenvien.tinh")
    leader = User.objects.get(username="lanhdao.tinh").official
    clerk = User.objects.get(username="vanthu.tinh")
    document = services.draft_create(
        organ=OrganIdentifier.objects.get(value="000.00.00.H33").organ,
        actor=drafter,
        doc_type="official_letter",
        summary=summary,
        drafting_unit=OrganIdentifier.objects.get(value="000.00.01.H33").organ,
        signer=leader,
        signing_marker="TM.",
        on_behalf_of="Ủy ban nhân dân",
        signer_title="Chủ tịch",
        recipients=[services.RecipientSpec(identifier=x, name=f"Cơ quan {x}") for x in to],
        upload=upload,
    )
    services.submit_for_review(document=document, actor=drafter, approver=leader)
    services.review(document=document, actor=leader.user, agree=True)
    services.sign(document=document, actor=leader.user)
    services.issue(document=document, actor=clerk)
    services.distribute(document=document, actor=clerk)


def send_documents(args: argparse.Namespace, node2: Node, rng: random.Random) -> dict[str, Any]:
    """Node 1's side: N documents through the documents services, node 2 killed meanwhile."""
    from django.db import reset_queries

    from tinhso.documents import hooks

    hooks.register_signing_backend(None)  # the soak is about the exchange, not PAdES
    kill_at = sorted(rng.sample(range(1, args.documents), min(args.kills, args.documents - 1)))
    restarts: list[threading.Thread] = []
    started = time.monotonic()
    for i in range(args.documents):
        if kill_at and i == kill_at[0]:
            kill_at.pop(0)
            node2.kill()
            down = rng.uniform(0.5, 3.0)
            print(f"  document {i}: node 2 killed (SIGKILL), back in {down:.1f} s")
            restarts.append(node2.restart_after(down))
        to = THERE[i % len(THERE)]
        issue_and_distribute(
            summary=f"V/v kiểm thử liên thông văn bản, lần {i + 1}",
            to=[to],
            upload=(f"cv-{i + 1}.pdf", pdf(rng, args.attachment_kb)),
        )
        reset_queries()
        if (i + 1) % max(args.documents // 10, 1) == 0:
            rate = (i + 1) / (time.monotonic() - started)
            print(f"  {i + 1} documents distributed ({rate:.1f}/s)")
    for thread in restarts:
        thread.join()
    return {"seconds": time.monotonic() - started}


def settle(args: argparse.Namespace) -> dict[str, Any]:
    """Wait until every document message of node 1 is sent and every line has status 01,
    replaying what was given up. Returns the figures."""
    from tinhso.documents.models import Recipient
    from tinhso.exchange import outbox
    from tinhso.exchange.models import OutboxMessage

    replayed, started = 0, time.monotonic()
    deadline = started + args.timeout
    while time.monotonic() < deadline:
        for message in OutboxMessage.objects.filter(state=OutboxMessage.State.DEAD):
            outbox.replay(message=message, actor="soak")
            replayed += 1
        unsent = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).count()
        lines = Recipient.objects.filter(channel=Recipient.Channel.EXCHANGE)
        waiting = lines.exclude(status_code="01").count()
        if not unsent and not waiting:
            break
        time.sleep(1)
    return {"replayed": replayed, "settle_seconds": time.monotonic() - started}


def check(args: argparse.Namespace, env2: dict[str, str], figures: dict[str, Any]) -> list[str]:
    """The verdicts: each (ok, what) printed; returns the failures."""
    from django.db.models import Count

    from tinhso.documents.models import Recipient
    from tinhso.documents.states import STATUS_CODES, IncomingState
    from tinhso.exchange import messagelog
    from tinhso.exchange.models import InboxMessage, MessageLog, OutboxMessage
    from tinhso.exchange.nodeprocs import run_in

    out = run_in(env2, "shell", "-c", NODE2_REPORT)
    report = json.loads(next(x for x in out.splitlines() if x.startswith("SOAK-JSON "))[10:])
    refs = [ref for ref, _state in report["incoming"]]
    state_of = dict(report["incoming"])
    lines = list(
        Recipient.objects.filter(channel=Recipient.Channel.EXCHANGE).values_list(
            "exchange_ref", "status_code"
        )
    )
    sent = OutboxMessage.objects.filter(kind="document")
    consistent = sum(
        1
        for ref, code in lines
        if ref in state_of and STATUS_CODES[IncomingState(state_of[ref])] == code
    )
    n = args.documents
    figures.update(
        incoming=len(refs),
        distinct=len(set(refs)),
        duplicates_acknowledged=report["duplicates"],
        node1_duplicates=MessageLog.objects.filter(direction="duplicate").count(),
        node1_outbox=dict(OutboxMessage.objects.values_list("state").annotate(n=Count("pk"))),
        node2_outbox=report["outbox"],
        node1_status_inbox=InboxMessage.objects.filter(kind="status").count(),
        node1_inbox_states=dict(InboxMessage.objects.values_list("state").annotate(n=Count("pk"))),
        node2_inbox_states=report["inbox_states"],
    )
    verdicts = [
        (len(refs) == n, f"incoming on node 2: {len(refs)} of {n}"),
        (len(set(refs)) == len(refs), f"duplicated: {len(refs) - len(set(refs))}"),
        (sent.count() == n, f"document messages on node 1: {sent.count()} of {n}"),
        (
            sent.filter(state="sent").count() == n,
            f"sent: {sent.filter(state='sent').count()} (replayed after dead: "
            f"{figures['replayed']})",
        ),
        (len(lines) == n and consistent == n, f"lines consistent with node 2: {consistent}/{n}"),
        (
            set(report["outbox"]) <= {"sent"} and report["outbox"].get("sent", 0) >= n,
            f"node 2's status messages all sent: {report['outbox']}",
        ),
        (report["inbox"].get("document", 0) == n, f"node 2 inbox documents: {report['inbox']}"),
        (
            set(report["inbox_states"]) == {"applied"}
            and set(figures["node1_inbox_states"]) == {"applied"},
            f"every package accepted was applied: node 2 {report['inbox_states']}, "
            f"node 1 {figures['node1_inbox_states']}",
        ),
        (messagelog.verify().ok and report["log_ok"], "both message logs verify"),
    ]
    failures = []
    for ok, what in verdicts:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20201103)
    parser.add_argument("--db", choices=["auto", "sqlite", "postgres"], default="auto")
    parser.add_argument("--attachment-kb", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to settle")
    parser.add_argument("--keep", action="store_true", help="keep the databases and files")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # progress lines as they come, into a log
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="tinhso-soak-"))
    print(f"exchange soak: {args.documents} documents, {args.kills} kills, seed {args.seed}, "
          f"files under {tmp}")  # fmt: skip
    env1, env2, db = prepare(args, tmp)
    port1, port2 = free_port(), free_port()
    os.environ.update(env1)  # this process is node 1
    import django

    django.setup()
    nodes: list[Node] = []
    figures: dict[str, Any] = {}
    failures = ["aborted"]
    try:
        pair_nodes(env2, port1, port2)
        nodes = [Node("node1", env1, port1, tmp), Node("node2", env2, port2, tmp)]
        for node in nodes:
            if not node.start():
                raise RuntimeError(f"{node.name} did not start; see {tmp / node.name}.log")
        print(f"node 1 on :{port1}, node 2 on :{port2}; sending…")
        figures = send_documents(args, nodes[1], rng)
        print("settling…")
        figures.update(settle(args))
        print("checking:")
        failures = check(args, env2, figures)
    finally:
        for node in nodes:
            node.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
            if db == "postgres":
                from django.db import connections

                connections.close_all()
                for name in (f"{PG_PREFIX}_1", f"{PG_PREFIX}_2"):
                    pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    rate = args.documents / figures["seconds"]
    print(
        f"figures ({db}): {args.documents} documents in {figures['seconds']:.0f} s "
        f"({rate:.1f}/s distributed), settled {figures['settle_seconds']:.0f} s later; "
        f"{args.kills} kills; duplicates acknowledged by node 2: "
        f"{figures['duplicates_acknowledged']}, by node 1: {figures['node1_duplicates']}; "
        f"replayed after dead: {figures['replayed']}; node 1 outbox {figures['node1_outbox']}"
    )
    print("PASS" if not failures else f"FAIL: {'; '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
