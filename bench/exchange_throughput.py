"""Exchange throughput, node to node (issue 5, "Performance"; bench/README.md, 8).

    .venv/bin/python bench/exchange_throughput.py                      # 1,000 packages, 4 senders
    .venv/bin/python bench/exchange_throughput.py --packages 600 --senders 2   # a quick run
    .venv/bin/python bench/exchange_throughput.py --profile            # cProfile both sides

Two nodes on loopback, each its own PostgreSQL database (tinhso_tp_1, tinhso_tp_2, made anew
and dropped at the end unless --keep), set up as the soak test sets them up
(`exchange_soak.prepare`, `twonode.pair_with`) but run as in production: DEBUG off, so
persistent database connections. Node 1's outbox is filled first, nothing sending: this
process, node 1's clerk, issues and distributes documents, each to the four organs of node 2
(Hậu Giang), with a PDF attachment of --attachment-kb KB, through the documents services,
so every package is signed and written by `outbox.enqueue` in the distributing transaction,
as in the application. Node 2 is gunicorn (--server-workers sync workers, 2 as in the soak
test), its inbox accepting every package (hardened parse, XSD, signature, sender and
recipient checks, message-log entry with the bytes and the inbox row, then the answer).

Measured, in two phases:
1. Delivery: --senders processes of node 1, each the outbox worker's loop (`outbox.claim`
   of --batch messages, then `outbox.send`: route and POST each, then record the batch's
   outcomes together, sent with their message-log entries and the recipient lines marked
   sent), drain the outbox into node 2's inbox. Figures: packages accepted per second (all
   of them over the time from the first attempt to the last acknowledgement recorded) and
   the latency of each package from its attempt to its acknowledgement recorded on node 1
   (send to ack, p50 / p95 / max), counted from its batch's first attempt, so an upper
   bound. Enqueue to ack is not a figure here: the outbox is full before the clock
   starts, so that would measure the queue.
2. Application: --appliers processes of node 2's apply worker (`tinhso exchange apply`)
   turn every accepted package into an incoming document with its file, index entry and
   history, and write status 01 to node 2's outbox (not sent: one direction is measured).
   Figure: packages applied per second, from the rows' first to last application time;
   their CPU per package leaves out each worker's start (Django's set-up), which it prints.

Baseline in the same run: the very same bodies POSTed with the same X-API-Key header by as
many client processes (one connection per request, as urllib does for the senders) to a bare
Django view on a second gunicorn with the same settings, workers and database as node 2: the
view authenticates the peer key (the same one query) and reads the body, nothing else.
Once before and once after the delivery; the median of the two.

Target (issue 5): at least 250 packages/s, p95 under 1 s; judged on acceptance and, since
a node that accepts faster than it applies only builds a backlog, on application too.
Checks afterwards (FAIL if not): node 2 holds every package exactly once and applied (inbox
rows, incoming documents by exchange reference), none acknowledged as a repeat, one status
01 each; node 1 has every message sent and every recipient line sent; both message logs
verify.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import http.client
import io
import multiprocessing
import os
import pstats
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT / "src"), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from bench import exchange_soak as soak  # noqa: E402 (the soak test's two-node set-up)

TARGET_RATE = 250.0
TARGET_P95 = 1.0
PREFIX = "tinhso_tp"  # databases tinhso_tp_1 and tinhso_tp_2
BARE_PATH = "/bench/exchange/bare-inbox"
PRODUCTION_LIKE = {
    # DEBUG off as in production (persistent connections, no query log), with what the
    # settings then require; the development identity is still asked for explicitly.
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-never-used-in-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "PAYMENT_SIMULATORS": "true",
    "NATIONAL_SIMULATORS": "false",
    "LOG_LEVEL": "WARNING",
}


# --- the baseline: a bare Django view served by gunicorn -------------------------------------


def bare_inbox(request: Any) -> Any:
    """The baseline: authenticate the peer's key as the inbox does, read the body, answer."""
    from django.http import JsonResponse

    from tinhso.exchange.inbox import authenticate

    if authenticate(request.headers.get("X-API-Key")) is None:
        return JsonResponse({"code": 15}, status=401)
    data = request.read()
    return JsonResponse({"code": 0, "size": len(data)})


def __getattr__(name: str) -> Any:
    """`urlpatterns` when this module is the bare server's URLconf (built on demand: the
    module is also a script that sets Django up later)."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    return [path(BARE_PATH.lstrip("/"), csrf_exempt(bare_inbox))]


def bare_application() -> Any:
    """gunicorn's `bench.exchange_throughput:bare_application()`: the node's settings and
    middleware, this module's one URL."""
    import django
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    django.setup(set_prefix=False)
    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()


# --- processes -------------------------------------------------------------------------------


def start_server(
    env: dict[str, str], port: int, app: str, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    """gunicorn as the soak test runs it (sync workers), in its own process group."""
    command = [
        soak.PYTHON, "-m", "gunicorn", app, "--workers", str(workers),
        "--worker-class", "sync", "--timeout", "60", "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning", "--no-control-socket",
    ]  # fmt: skip
    out = log.open("ab")
    process = subprocess.Popen(
        command, env=env, stdout=out, stderr=out, start_new_session=True, cwd=ROOT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if answers(port):
            return process
        time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"{app} did not start on :{port}; see {log}")


def answers(port: int) -> bool:
    """Whether something answers HTTP on 127.0.0.1:`port` (any status)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one of our servers (its whole process group: master and workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- filling node 1's outbox ----------------------------------------------------------------


def fill_outbox(packages: int, organs: list[str], attachment_kb: int, seed: int) -> float:
    """Issue and distribute documents to `organs` until `packages` packages wait in node 1's
    outbox; return the seconds it took (the documents services, enqueue signing each)."""
    from django.db import reset_queries

    from tinhso.documents import hooks
    from tinhso.exchange.models import OutboxMessage

    hooks.register_signing_backend(None)  # about the exchange, not PAdES
    rng = random.Random(seed)
    started, made, i = time.monotonic(), 0, 0
    while made < packages:
        to = organs[: min(len(organs), packages - made)]
        i += 1
        soak.issue_and_distribute(
            summary=f"V/v đo thông lượng liên thông văn bản, văn bản {i}",
            to=to,
            upload=(f"cv-{i}.pdf", soak.pdf(rng, attachment_kb)),
        )
        made += len(to)
        reset_queries()
        if i % 100 == 0:
            print(f"  {made} packages enqueued ({made / (time.monotonic() - started):.0f}/s)")
    seconds = time.monotonic() - started
    waiting = OutboxMessage.objects.filter(kind="document", state="pending").count()
    if waiting != packages:
        raise RuntimeError(f"{waiting} packages in the outbox, expected {packages}")
    return seconds


# --- the measured delivery ------------------------------------------------------------------


def sender(index: int, deadline: float, profile: bool, batch: int, results: Any) -> None:
    """One of node 1's outbox workers (a forked process): claim `batch` and send it (as
    `send_due`), until the outbox holds nothing pending. Puts (index, [(start, end, state,
    message id)], profile text), start and end those of the message's batch."""
    from django.db import connections

    from tinhso.exchange import outbox
    from tinhso.exchange.models import OutboxMessage

    connections.close_all()  # never share the parent's connection
    profiler = cProfile.Profile(time.process_time) if profile else None
    timings: list[tuple[float, float, str, str]] = []
    if profiler:
        profiler.enable()
    while time.time() < deadline:
        claimed = outbox.claim(limit=batch)
        if not claimed:
            if not OutboxMessage.objects.filter(state__in=["pending", "failed"]).exists():
                break
            time.sleep(0.05)  # a retry waiting for its time, or another sender's lease
            continue
        started = time.time()
        outcomes = outbox.send(claimed)
        ended = time.time()
        timings.extend((started, ended, m.state, str(m.message_id)) for m in outcomes)
    text = ""
    if profiler:
        profiler.disable()
        text = profile_text(profiler)
    connections.close_all()
    results.put((index, timings, text))


def profile_text(profiler: cProfile.Profile, lines: int = 35) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def deliver(senders: int, timeout: float, profile: bool, batch: int) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    deadline = time.time() + timeout
    processes = [
        context.Process(target=sender, args=(i, deadline, profile and i == 0, batch, results))
        for i in range(senders)
    ]
    for process in processes:
        process.start()
    collected = [results.get(timeout=timeout + 60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    timings = [t for _i, ts, _p in sorted(collected) for t in ts]
    sent = [t for t in timings if t[2] == "sent"]
    figures = latency_figures([t[1] - t[0] for t in sent])
    if sent:
        first = min(t[0] for t in timings)
        span = max(t[1] for t in sent) - first
        figures["seconds"], figures["first"] = span, first
        figures["rate"] = len(sent) / span if span > 0 else 0.0
        figures["started"] = {t[3]: t[0] for t in sent}
    figures["attempts"], figures["sent"] = len(timings), len(sent)
    figures["profile"] = next((p for _i, _t, p in sorted(collected) if p), "")
    return figures


def latency_figures(latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0, "rate": 0.0, "seconds": 0.0}
    ordered = sorted(latencies)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max": ordered[-1],
    }


# --- CPU by role, from /proc -----------------------------------------------------------------


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command name, CPU seconds used) of every process now (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        used = int(fields[11]) + int(fields[12])
        if name == "postgres":  # with its ended children: the backends of closed connections
            used += int(fields[13]) + int(fields[14])
        found.append((int(entry.name), int(fields[1]), name, used / tick))
    return found


def cpu_by_role(server_pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each server's process tree (`server_pids` by role), by all
    PostgreSQL processes, and by this process's children that have ended (the senders)."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, ppid, _name, _cpu in processes:
        children.setdefault(ppid, []).append(pid)
    cpu = {pid: used for pid, _ppid, _name, used in processes}
    totals: dict[str, float] = {}
    for role, root in server_pids.items():
        tree, todo = [], [root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        totals[role] = sum(cpu.get(pid, 0.0) for pid in tree)
    totals["postgresql"] = sum(used for _p, _pp, name, used in processes if name == "postgres")
    ended = os.times()
    totals["ended children"] = ended.children_user + ended.children_system
    return totals


def cpu_spent(before: dict[str, float], after: dict[str, float], n: int) -> str:
    """Milliseconds of CPU per package by role between two readings."""
    return ", ".join(
        f"{role} {(after[role] - before[role]) * 1000 / n:.1f}" for role in before if role in after
    )


# --- node 2's apply workers -----------------------------------------------------------------


APPLY_LOOP = """
import pathlib, sys, time
import django
django.setup()
from tinhso.exchange import applying
started = time.process_time()  # CPU spent starting (Python, Django, imports), not applying
stop, applied = pathlib.Path(sys.argv[1]), 0
while True:
    counts = applying.apply_due(limit=100_000)
    applied += sum(counts.values())
    if not any(counts.values()):
        if stop.exists():
            break
        time.sleep(0.05)
print(f"{applied} applied, {started:.3f} s of CPU to start")
"""


def startup_cpu(outputs: list[str]) -> float:
    """The CPU seconds the apply workers spent starting, as their last lines say."""
    found = [re.search(r"([0-9.]+) s of CPU to start", o) for o in outputs]
    return sum(float(m.group(1)) for m in found if m)


def start_appliers(env2: dict[str, str], workers: int, stop: Path) -> list[Any]:
    """Node 2's apply worker, `workers` processes side by side sharing the inbox by claims
    (`applying.apply_due` in a loop, as `tinhso exchange send` runs it), until nothing is
    due and the file `stop` exists."""
    command = [soak.PYTHON, "-c", APPLY_LOOP, str(stop)]
    processes = []
    for index in range(workers):
        # Their output goes to a file beside `stop`, never a pipe: a worker logging more
        # than a pipe holds would block, holding its locks, until the pipe was read.
        with (stop.parent / f"applier-{index}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(command, env=env2, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            )
    return processes


def wait_appliers(
    processes: list[Any], stop: Path, env2: dict[str, str], timeout: float
) -> dict[str, Any]:
    """Stop the appliers once nothing is due, and read when each package was applied. The
    rate is taken from the rows' own times (first to last application)."""
    import psycopg

    stop.touch()
    for process in processes:
        process.wait(timeout=timeout)
    logs = [stop.parent / f"applier-{index}.log" for index in range(len(processes))]
    outputs = [log.read_text(errors="replace").strip() for log in logs]
    with psycopg.connect(env2["DATABASE_URL"]) as connection:
        rows = connection.execute(
            "SELECT message_id, applied_at FROM exchange_inboxmessage "
            "WHERE kind = 'document' AND state = 'applied'"
        ).fetchall()
    at = {str(message_id): applied_at.timestamp() for message_id, applied_at in rows}
    span = max(at.values()) - min(at.values()) if len(at) > 1 else 0.0
    return {
        "applied": len(at),
        "at": at,
        "seconds": span,
        "rate": (len(at) - 1) / span if span > 0 else 0.0,
        "outputs": outputs,
    }


# --- the baseline load ----------------------------------------------------------------------


def post_bodies(port: int, key: str, bodies: list[tuple[bytes, str]], results: Any) -> None:
    """One baseline client: POST each (body, content type), one connection per request, as
    urllib does."""
    timings: list[tuple[float, float, int]] = []
    for body, content_type in bodies:
        started = time.time()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{BARE_PATH}",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "X-API-Key": key},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                answer.read()
                status = answer.status
        except OSError:
            status = 0
        timings.append((started, time.time(), status))
    results.put(timings)


def baseline(
    port: int, key: str, bodies: list[tuple[bytes, str]], clients: int, per_body: int = 1
) -> dict[str, Any]:
    """The bare server's rate in packages/s (`per_body` packages in each body)."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    shares = [bodies[i::clients] for i in range(clients)]
    processes = [
        context.Process(target=post_bodies, args=(port, key, share, results)) for share in shares
    ]
    for process in processes:
        process.start()
    timings = [t for _ in processes for t in results.get(timeout=600)]
    for process in processes:
        process.join(timeout=30)
    ok = [t for t in timings if t[2] == 200]
    figures = latency_figures([end - start for start, end, _s in ok])
    span = max(end for _s, end, _x in timings) - min(start for start, _e, _x in timings)
    figures.update(rate=len(ok) * per_body / span, errors=len(timings) - len(ok), seconds=span)
    return figures


def warm_up(port: int, workers: int) -> int:
    """Requests to a fresh gunicorn until each of its workers has served some (its URLconf,
    the API and the inbox's authentication loaded), so that no worker's first requests fall
    in the measured time, as they would not on a server that has been up. Nothing is
    stored: the inbox answers 401 to a key nobody has. Returns how many were made."""
    from concurrent.futures import ThreadPoolExecutor

    def one(index: int) -> None:
        path, data = ("/healthz", None) if index % 2 else ("/api/v1/exchange/inbox", b"<x/>")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=data, headers={"X-API-Key": "warm-up"}
        )
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=30).read()

    count = 20 * workers
    with ThreadPoolExecutor(2 * workers) as pool:
        list(pool.map(one, range(count)))
    return count


# --- the checks -----------------------------------------------------------------------------


def node2_facts(database_url: str) -> dict[str, int]:
    """What node 2 holds, read with SQL from its database (read only)."""
    import psycopg

    queries = {
        "inbox": "SELECT count(*) FROM exchange_inboxmessage WHERE kind = 'document'",
        "inbox_distinct": "SELECT count(DISTINCT message_id) FROM exchange_inboxmessage "
        "WHERE kind = 'document'",
        "incoming": "SELECT count(*) FROM documents_incomingdocument WHERE source = 'exchange'",
        "incoming_distinct": "SELECT count(DISTINCT exchange_ref) FROM "
        "documents_incomingdocument WHERE source = 'exchange'",
        "applied": "SELECT count(*) FROM exchange_inboxmessage WHERE kind = 'document' "
        "AND state = 'applied'",
        "duplicates": "SELECT count(*) FROM exchange_messagelog WHERE direction = 'duplicate'",
        "refused": "SELECT count(*) FROM exchange_messagelog WHERE direction = 'refused'",
        "status_waiting": "SELECT count(*) FROM exchange_outboxmessage WHERE kind = 'status'",
    }
    with psycopg.connect(database_url) as connection:
        return {k: int(connection.execute(sql).fetchone()[0]) for k, sql in queries.items()}


def node2_log_verifies(env2: dict[str, str]) -> bool:
    from tinhso.exchange.nodeprocs import run_in

    try:
        return run_in(env2, "exchange", "verify-log").startswith("OK:")
    except RuntimeError:  # BROKEN: the command fails
        return False


def check(n: int, env2: dict[str, str], duplicates_sent: int) -> list[tuple[bool, str]]:
    from tinhso.documents.models import Recipient
    from tinhso.exchange import messagelog
    from tinhso.exchange.models import OutboxMessage

    facts = node2_facts(env2["DATABASE_URL"])
    sent = OutboxMessage.objects.filter(kind="document", state="sent").count()
    lines = Recipient.objects.filter(channel=Recipient.Channel.EXCHANGE)
    lines_sent = lines.filter(status=Recipient.Status.SENT).count()
    return [
        (
            facts["inbox"] == n and facts["inbox_distinct"] == n,
            f"node 2 inbox: {facts['inbox']} document packages, {facts['inbox_distinct']} "
            f"distinct, of {n}",
        ),
        (facts["applied"] == n, f"node 2 packages applied: {facts['applied']} of {n}"),
        (
            facts["incoming"] == n and facts["incoming_distinct"] == n,
            f"node 2 incoming documents: {facts['incoming']}, {facts['incoming_distinct']} "
            f"distinct references, of {n}",
        ),
        (
            facts["duplicates"] == 0 and duplicates_sent == 0,
            f"repeats: {facts['duplicates']} acknowledged by node 2, {duplicates_sent} "
            "attempts by node 1 beyond one per package",
        ),
        (facts["refused"] == 0, f"refused by node 2: {facts['refused']}"),
        (sent == n, f"node 1 outbox: {sent} of {n} sent"),
        (lines_sent == n, f"node 1 recipient lines sent: {lines_sent} of {n}"),
        (
            facts["status_waiting"] == n,
            f"node 2 status 01 packages written: {facts['status_waiting']} of {n}",
        ),
        (
            messagelog.verify().ok and node2_log_verifies(env2),
            "both message logs verify",
        ),
    ]


# --- the run --------------------------------------------------------------------------------


def fmt(figures: dict[str, Any]) -> str:
    return (
        f"{figures['rate']:.1f}/s over {figures['seconds']:.1f} s, latency p50 "
        f"{figures['p50'] * 1000:.0f} ms, p95 {figures['p95'] * 1000:.0f} ms, "
        f"max {figures['max'] * 1000:.0f} ms"
    )


def run(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="tinhso-throughput-"))
    os.environ.update(PRODUCTION_LIKE)
    soak.PG_PREFIX = PREFIX  # the soak's set-up, on this benchmark's databases
    setup = argparse.Namespace(db="postgres")
    print(f"load average {os.getloadavg()[0]:.2f}; files under {tmp}")
    env1, env2, _db = soak.prepare(setup, tmp)
    port1, port2, port_bare = soak.free_port(), soak.free_port(), soak.free_port()
    os.environ.update(env1)  # this process is node 1
    import django

    django.setup()
    from django.db import connections

    from tinhso.exchange import node, transport
    from tinhso.exchange.models import OutboxMessage, Peer

    servers: list[subprocess.Popen[bytes]] = []
    verdicts: list[tuple[bool, str]] = []
    try:
        paired = soak.pair_nodes(env2, port1, port2)
        organs = sorted(paired["organ_ids"])
        print(f"node 2 serves {len(organs)} organs: {', '.join(organs)}")
        if args.no_batch_inbox:
            Peer.objects.filter(name="haugiang").update(batch_size=1)
        per_post = Peer.objects.get(name="haugiang").batch_size
        print(
            f"node 1 posts {per_post} packages a request"
            + (" to node 2's batch inbox" if per_post > 1 else "")
        )
        print(f"filling node 1's outbox with {args.packages} packages…")
        fill = fill_outbox(args.packages, organs, args.attachment_kb, args.seed)
        bodies = [
            bytes(data)
            for data in OutboxMessage.objects.filter(kind="document")
            .order_by("pk")
            .values_list("data", flat=True)
        ]
        key = node.peer_key(Peer.objects.get(name="haugiang"))
        singles = [(body, "application/xml") for body in bodies]
        batches = [
            transport.multipart(bodies[i : i + per_post]) for i in range(0, len(bodies), per_post)
        ]
        sizes = sorted(len(b) for b in bodies)
        print(
            f"  {len(bodies)} packages enqueued in {fill:.1f} s ({len(bodies) / fill:.0f}/s), "
            f"{statistics.median(sizes) / 1024:.1f} KB each (median)"
        )
        connections.close_all()
        workers = args.server_workers
        servers.append(start_server(env2, port2, "tinhso.config.wsgi:application", workers,
                                    tmp / "node2.log"))  # fmt: skip
        servers.append(
            start_server(
                env2,
                port_bare,
                "bench.exchange_throughput:bare_application()",
                workers,
                tmp / "bare.log",
            )
        )
        print(f"node 2 on :{port2}, the bare view on :{port_bare} ({workers} sync workers each)")
        print(f"node 2 warmed up by {warm_up(port2, workers)} requests (nothing stored)")
        before = baseline(port_bare, key, singles, args.senders)
        print(f"baseline before: {fmt(before)}, {before['errors']} errors")
        if per_post > 1:
            batch_before = baseline(port_bare, key, batches, args.senders, per_post)
            print(f"  the same in batches of {per_post}: {fmt(batch_before)} (packages)")
        print(f"delivering with {args.senders} sender processes…")
        load = os.getloadavg()[0]
        roles = {"node 2 gunicorn": servers[0].pid}
        stop_file = tmp / "appliers.stop"
        appliers = start_appliers(env2, args.appliers, stop_file) if args.apply_during else []
        if appliers:
            print(f"node 2's {args.appliers} apply workers run during the delivery")
            time.sleep(3)  # their start (Django's set-up) before the clock
        cpu_before = cpu_by_role(roles)
        figures = deliver(args.senders, args.timeout, args.profile, args.batch)
        cpu_after = cpu_by_role(roles)
        print(f"delivery: {figures['sent']} sent of {figures['attempts']} attempts, {fmt(figures)}")
        if appliers:
            applied = wait_appliers(appliers, stop_file, env2, args.timeout)
            cpu_end = cpu_by_role(roles)
            cpu_end["ended children"] -= startup_cpu(applied["outputs"])
            spent = cpu_spent(cpu_before, cpu_end, args.packages)
            ended = "node 1 senders and node 2 appliers (their start left out)"
            print(f"  CPU per package, ms: {spent.replace('ended children', ended)}")
            done = max(applied["at"].values()) - figures["first"]
            waits = [
                applied["at"][m] - start
                for m, start in figures["started"].items()
                if m in applied["at"]
            ]
            end_to_end = latency_figures(waits)
            print(
                f"application during it: {applied['applied']} applied, the last "
                f"{done:.1f} s after the first attempt: {args.packages / done:.1f} packages/s "
                f"end to end; send → applied p50 {end_to_end['p50'] * 1000:.0f} ms, p95 "
                f"{end_to_end['p95'] * 1000:.0f} ms, max {end_to_end['max'] * 1000:.0f} ms"
            )
        else:
            spent = cpu_spent(cpu_before, cpu_after, args.packages).replace(
                "ended children", "node 1 senders"
            )
            print(f"  CPU per package accepted, ms: {spent} (PostgreSQL: both nodes)")
        after = baseline(port_bare, key, singles, args.senders)
        print(f"baseline after: {fmt(after)}, {after['errors']} errors")
        bare_batch = ""
        if per_post > 1:
            batch_after = baseline(port_bare, key, batches, args.senders, per_post)
            print(f"  the same in batches of {per_post}: {fmt(batch_after)} (packages)")
            batch_rate = statistics.median([batch_before["rate"], batch_after["rate"]])
            bare_batch = (
                f"; bare POST of the same batches {batch_rate:.0f} packages/s, ratio "
                f"{figures['rate'] / batch_rate if batch_rate else 0.0:.3f}"
            )
        if not appliers:
            print(f"applying on node 2 with {args.appliers} apply worker processes…")
            cpu_before = cpu_by_role({})
            stop_file.touch()
            applied = wait_appliers(
                start_appliers(env2, args.appliers, stop_file), stop_file, env2, args.timeout
            )
            cpu_after = cpu_by_role({})
            cpu_after["ended children"] -= startup_cpu(applied["outputs"])
            spent = cpu_spent(cpu_before, cpu_after, args.packages)
            print(
                f"  CPU per package applied, ms: {spent.replace('ended children', 'appliers')}"
                " (the appliers' start left out)"
            )
            said = " | ".join(o.splitlines()[-1] if o else "" for o in applied["outputs"])
            print(
                f"application: {applied['applied']} applied, {applied['rate']:.1f}/s over "
                f"{applied['seconds']:.1f} s; workers said: {said}"
            )
        bare_rate = statistics.median([before["rate"], after["rate"]])
        bare_p95 = statistics.median([before["p95"], after["p95"]])
        ratio = figures["rate"] / bare_rate if bare_rate else 0.0
        print(
            f"\nfigures: {figures['rate']:.1f} packages/s accepted, {applied['rate']:.1f}/s "
            f"applied, p95 send→ack "
            f"{figures['p95'] * 1000:.0f} ms; bare authenticated POST {bare_rate:.0f}/s, p95 "
            f"{bare_p95 * 1000:.0f} ms; ratio {ratio:.3f}{bare_batch}; load average during "
            f"delivery {load:.2f}, after {os.getloadavg()[0]:.2f}"
        )
        if figures["profile"]:
            print("\nprofile of sender 0 (cProfile):\n" + figures["profile"])
        verdicts = [
            (
                figures["rate"] >= TARGET_RATE,
                f"throughput {figures['rate']:.1f} packages/s accepted (target ≥ "
                f"{TARGET_RATE:.0f}; {ratio:.3f} × the bare POST's {bare_rate:.0f}/s)",
            ),
            (
                applied["rate"] >= TARGET_RATE,
                f"application {applied['rate']:.1f} packages/s by {args.appliers} workers"
                + (" during the delivery" if appliers else " after it")
                + f" (sustained, the target is the same ≥ {TARGET_RATE:.0f})",
            ),
            (
                figures["sent"] == args.packages and figures["p95"] < TARGET_P95,
                f"p95 send→ack {figures['p95'] * 1000:.0f} ms (target < "
                f"{TARGET_P95 * 1000:.0f} ms)",
            ),
            (before["errors"] + after["errors"] == 0, "baseline answered 200 to every POST"),
        ]
        duplicates = figures["attempts"] - figures["sent"]
        verdicts += check(args.packages, env2, duplicates)
    finally:
        for server in servers:
            stop(server)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
            connections.close_all()
            for name in (f"{PREFIX}_1", f"{PREFIX}_2"):
                soak.pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    for ok, what in verdicts:
        print(f"  {'PASS' if ok else 'FAIL'}: {what}")
    failed = [what for ok, what in verdicts if not ok]
    print("PASS" if verdicts and not failed else "FAIL")
    return 1 if failed or not verdicts else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=4, help="node 1's sender processes")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--appliers", type=int, default=2, help="node 2's apply workers")
    parser.add_argument("--batch", type=int, default=10, help="messages a sender claims at once")
    parser.add_argument(
        "--apply-during",
        action="store_true",
        help="run node 2's apply workers during the delivery (end to end), not after it",
    )
    parser.add_argument("--attachment-kb", type=int, default=8)
    parser.add_argument("--seed", type=int, default=20201103)
    parser.add_argument("--timeout", type=float, default=900, help="seconds to deliver")
    parser.add_argument("--profile", action="store_true", help="cProfile sender 0")
    parser.add_argument("--keep", action="store_true", help="keep the databases and files")
    parser.add_argument(
        "--no-batch-inbox",
        action="store_true",
        help="node 1 posts one package a request, as to any LGSP peer (not node 2's batch inbox)",
    )
    args = parser.parse_args(argv)
    if not (0 < args.packages <= 100_000 and 0 < args.senders <= 16):
        parser.error("--packages 1–100,000, --senders 1–16")
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
