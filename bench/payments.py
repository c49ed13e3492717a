"""7. Online payment on PostgreSQL: gateway notifications under gunicorn, and reconciliation of
the payments left pending against the gateway simulator (issue 6).

a. notifications: the card gateway's server-to-server notification (IPN, a GET with the vnp_*
   parameters signed HMAC-SHA512) for pending payments, each accepted once (state machine,
   event, audit, the request paid, the notification logged, the e-receipt's task queued, all
   in one transaction), under
   gunicorn (2 sync workers, 4 client processes, the order of the targets rotated every
   round); baseline: the bare Django view on the same server; target ≥ 200 accepted per
   second, no error; then the task worker (`tinhso db_worker --batch`) issues the receipts,
   and every accepted notification must have left its payment paid with one receipt.
b. reconciliation: pending payments older than the reconciliation age (the applicants who
   closed the tab), a tenth of them paid at the gateway, settled or expired from the card
   gateway simulator's reconciliation list served by the same gunicorn
   (`services.reconcile_pending`); baseline: the same list fetched by a bare loop of the
   adapter's HTTP call plus one raw SQL UPDATE setting every state from it (rolled back);
   target: the rate that reconciles 100,000 in under a minute (≥ 1,667 per second).

    .venv/bin/python bench/payments.py                  # about 3 minutes
    .venv/bin/python bench/payments.py --reconcile 100000

The database `tinhso_bench_pay` (127.0.0.1:5432, role tinhso) is made anew, migrated and
seeded at small scale each run, and dropped afterwards (`--keep-db` keeps it).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.dossiers import (  # noqa: E402
    PG,
    _django,
    get_request,
    parse_or_work,
    pg_admin,
    run_phase,
    run_worker,
    start_gunicorn,
    stop,
)
from bench.run import Verdicts, banner, base_env, fmt_s, media_root, tinhso  # noqa: E402

DB_NAME = "tinhso_bench_pay"
DB_URL = "postgres://{user}:{password}@{host}:{port}/" + DB_NAME
NOTIFY_RATE = 200.0
RECONCILE_TARGET = 100_000 / 60
PROCEDURE = "2.000488.000.00.00.H33"  # judicial record extract: a fee of 200,000 đồng
FORM = {"loai_phieu": "Phiếu số 1", "muc_dich": "Bổ sung hồ sơ xin việc", "so_luong": 1}
PAID_SHARE = 10  # one pending payment in PAID_SHARE was paid at the gateway
NOTIFIED, STALE = "bench.notified", "bench.stale"  # the payment requests' sources


# =============================================================================================
# Child processes: Django on the bench database
# =============================================================================================


def _fixtures() -> tuple[Any, Any, list[Any]]:
    from tinhso.directory.models import Applicant
    from tinhso.procedures.models import Procedure

    procedure = Procedure.objects.get(code=PROCEDURE)
    organ = procedure.organs.order_by("pk").first()
    applicants = list(Applicant.objects.filter(kind="citizen").order_by("pk")[:500])
    return procedure, organ, applicants


def worker_notifiable(count: int) -> dict[str, Any]:
    """`count` pending card payments opened through the services (request raised, attempt
    started), as applicants on the gateway's page would leave them."""
    _django()
    from tinhso.payments.services import payment_request_create, payment_start

    procedure, organ, applicants = _fixtures()
    started = time.perf_counter()
    for n in range(count):
        applicant = applicants[n % len(applicants)]
        request = payment_request_create(
            source=NOTIFIED,
            source_id=n + 1,
            source_ref=f"BENCH-{n + 1}",
            procedure=procedure,
            organ=organ,
            applicant=applicant,
            form_data={**FORM, "ho_ten": applicant.name, "so_dinh_danh": applicant.identifier},
        )
        assert request is not None, "the procedure asks no fee"
        payment_start(
            request=request,
            gateway="card",
            client_ip="127.0.0.1",
            return_url="http://127.0.0.1/return",
            notify_url="http://127.0.0.1/notify",
        )
    return {"seconds": time.perf_counter() - started}


def worker_ipns() -> list[str]:
    """The signed notification of each payment opened by `worker_notifiable`, paid now (the
    query strings, in the order the payments were opened)."""
    _django()
    from django.conf import settings

    from tinhso.payments.gateways import card
    from tinhso.payments.models import Payment

    config = settings.PAYMENT_GATEWAYS["card"]
    now = card.vn_time(card.datetime.now(tz=card.VN))
    refs = Payment.objects.filter(request__source=NOTIFIED).order_by("pk")
    out = []
    for n, (txn_ref, amount) in enumerate(refs.values_list("txn_ref", "amount")):
        params = {
            "vnp_TmnCode": config["TMN_CODE"],
            "vnp_Amount": str(amount * 100),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{14_000_000 + n}",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": f"Thanh toan {txn_ref}",
            "vnp_PayDate": now,
            "vnp_ResponseCode": "00",
            "vnp_TransactionNo": str(14_000_000 + n),
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": txn_ref,
        }
        params["vnp_SecureHash"] = card.sign(params, config["SECRET"])
        out.append(urlencode(params))
    return out


def worker_drain() -> dict[str, Any]:
    """Run the task worker until the queue is empty (the receipts' tasks): its time, and the
    tasks it ran."""
    _django()
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path__endswith="issue_receipts").count()
    started = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    left = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
    return {"seconds": time.perf_counter() - started, "queued": queued, "left": left}


def worker_paid() -> dict[str, int]:
    _django()
    from tinhso.payments.models import Payment, Receipt

    paid = Payment.objects.filter(request__source=NOTIFIED, state="paid")
    return {
        "paid": paid.count(),
        "receipts": Receipt.objects.filter(payment__in=paid).count(),
    }


def worker_stale(count: int, age_minutes: int) -> dict[str, Any]:
    """`count` pending card payments started `age_minutes` ago, written in bulk (their
    requests, attempts and events as the services write them); one in PAID_SHARE paid at the
    gateway simulator, the others never reached it (the applicant left before paying)."""
    _django()
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from tinhso.payments.models import Payment, PaymentEvent, PaymentRequest
    from tinhso.payments.models import SimulatedTransaction as Sim

    procedure, organ, applicants = _fixtures()
    at = timezone.now() - timedelta(minutes=age_minutes)
    started = time.perf_counter()
    base = 1_000_000
    with transaction.atomic():
        requests = PaymentRequest.objects.bulk_create(
            PaymentRequest(
                reference=f"YCB{base + n}",
                source=STALE,
                source_id=base + n,
                source_ref=f"STALE-{n + 1}",
                applicant=applicants[n % len(applicants)],
                organ=organ,
                procedure=procedure,
                description=procedure.name[:255],
                amount=200_000,
                lines=[],
                expires_at=at + timedelta(days=3),
            )
            for n in range(count)
        )
        payments = Payment.objects.bulk_create(
            Payment(
                request=r,
                gateway="card",
                txn_ref=f"TB{base + n}",
                amount=r.amount,
                created_at=at,
                expires_at=at + timedelta(minutes=15),
            )
            for n, r in enumerate(requests)
        )
        PaymentEvent.objects.bulk_create(
            PaymentEvent(
                payment=p,
                at=at,
                action="start",
                to_state="pending",
                cause="applicant",
                data={"gateway": "card"},
            )
            for p in payments
        )
        Sim.objects.bulk_create(
            Sim(
                gateway="card",
                txn_ref=p.txn_ref,
                amount=p.amount,
                status="paid",
                transaction_no=str(15_000_000 + n),
                paid_at=at + timedelta(minutes=2),
            )
            for n, p in enumerate(payments)
            if n % PAID_SHARE == 0
        )
    return {
        "created_at": at.isoformat(),
        "seconds": time.perf_counter() - started,
    }


def worker_reconcile(count: int, age_seconds: int) -> dict[str, Any]:
    _django()
    from tinhso.payments.services import reconcile_pending

    started = time.perf_counter()
    report = reconcile_pending(min_age_seconds=age_seconds, limit=count)
    return {"seconds": time.perf_counter() - started, "counts": dict(report.counts)}


def worker_bare_list() -> dict[str, Any]:
    """The floor of b: today's reconciliation list fetched from the simulator by a plain loop
    of the adapter's own signed HTTP call, then one raw SQL UPDATE setting every stale
    payment paid or expired from it, nothing else recorded (rolled back)."""
    _django()
    from django.db import connection, transaction
    from django.utils import timezone

    from tinhso.payments.gateways import card, get_gateway
    from tinhso.payments.gateways.base import rows_digest

    gateway = get_gateway("card")
    started = time.perf_counter()
    paid: list[str] = []
    page, pages = 1, 1
    while page <= pages:
        payload = {
            "vnp_RequestId": f"bare{page}",
            "vnp_Version": card.VERSION,
            "vnp_Command": "reconcile",
            "vnp_TmnCode": str(gateway.config["TMN_CODE"]),
            "vnp_TransactionDate": f"{timezone.localdate():%Y%m%d}",
            "vnp_PageNo": str(page),
            "vnp_CreateDate": card.vn_time(timezone.now()),
            "vnp_IpAddr": "127.0.0.1",
        }
        payload["vnp_SecureHash"] = card.sign_fields(payload, card.LIST_FIELDS, gateway.secret)
        answer = gateway.post_json(gateway.config["API_URL"], payload)
        assert answer["vnp_DataHash"] == rows_digest(answer["vnp_Data"])
        pages = int(answer["vnp_TotalPages"])
        paid += [r["vnp_TxnRef"] for r in answer["vnp_Data"] if r["vnp_TransactionStatus"] == "00"]
        page += 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_payment p SET settled_at = now(), state = CASE WHEN p.txn_ref = "
            "ANY(%s) THEN 'paid' ELSE 'expired' END FROM payments_paymentrequest r "
            "WHERE r.id = p.request_id AND r.source = %s AND p.state = 'pending'",
            [paid, STALE],
        )
        updated = cursor.rowcount
        transaction.set_rollback(True)
    return {"seconds": time.perf_counter() - started, "paid": len(paid), "updated": updated}


def worker_states() -> dict[str, int]:
    _django()
    from django.db.models import Count

    from tinhso.payments.models import Payment

    rows = Payment.objects.filter(request__source=STALE).values("state").annotate(n=Count("pk"))
    return {r["state"]: r["n"] for r in rows}


WORKERS = {
    "notifiable": worker_notifiable,
    "ipns": worker_ipns,
    "paid": worker_paid,
    "stale": worker_stale,
    "reconcile": worker_reconcile,
    "bare_list": worker_bare_list,
    "drain": worker_drain,
    "states": worker_states,
}


def work(name: str, env: dict[str, str], *args: Any) -> Any:
    return run_worker(name, env, *args, script=__file__)


# =============================================================================================
# The benchmark
# =============================================================================================


def bench_notifications(
    verdicts: Verdicts, env: dict[str, str], tmp: Path, *, rounds: int, duration: float
) -> None:
    clients = 4
    # Each notification is accepted once: every client gets a fresh share each round, sized
    # for twice the rate the target asks and more.
    per_client_round = int(NOTIFY_RATE * 3 / clients * duration)
    count = per_client_round * clients * rounds
    banner(f"7a. Payment notifications (card IPN) under gunicorn, {count:,} pending payments")
    made = work("notifiable", env, count)
    print(f"  {count:,} payments opened through the services in {fmt_s(made['seconds'])}")
    queries = work("ipns", env)
    server, port = start_gunicorn(env, tmp / "gunicorn-payments.log")
    try:
        bare = [([get_request(port, "/bench/bare")], [b'"ok": true'], 200)] * clients
        rates: dict[str, list[float]] = {"bare": [], "notify": []}
        errors = {"bare": 0, "notify": 0}
        first = {"bare": "", "notify": ""}
        accepted = 0
        with multiprocessing.Pool(clients) as pool:
            run_phase(pool, port, bare, 1.0)  # warm-up
            for r in range(rounds):
                share = queries[
                    r * per_client_round * clients : (r + 1) * per_client_round * clients
                ]
                notify = [
                    (
                        [
                            get_request(port, f"/api/v1/payments/notify/card?{q}")
                            for q in share[n::clients]
                        ],
                        [b'"RspCode": "00"'],
                        200,
                    )
                    for n in range(clients)
                ]
                order = ["bare", "notify"] if r % 2 == 0 else ["notify", "bare"]
                figures = []
                for name in order:
                    load = bare if name == "bare" else notify
                    rate, good, errs, first_error = run_phase(pool, port, load, duration)
                    rates[name].append(rate)
                    errors[name] += errs
                    first[name] = first[name] or first_error
                    accepted += good if name == "notify" else 0
                    figures.append(f"{name}={rate:,.0f}")
                print(f"    round {r + 1}: " + "  ".join(figures) + "  (per s)", flush=True)
    finally:
        stop(server)
    median, bare_median = statistics.median(rates["notify"]), statistics.median(rates["bare"])
    print(
        f"  gunicorn, 2 sync workers, {clients} client processes, median of {rounds} rounds of "
        f"{duration:g} s: {median:,.1f} accepted notifications/s (min "
        f"{min(rates['notify']):,.1f}, max {max(rates['notify']):,.1f}); bare view "
        f"{bare_median:,.0f} req/s (ratio {median / bare_median:.3f}); errors "
        f"{errors['notify']}"
    )
    for name, text in first.items():
        if text:
            print(f"  first error ({name}): {text}")
    verdicts.add(
        median >= NOTIFY_RATE and errors["notify"] == 0,
        f"payment notifications {median:,.1f}/s under gunicorn (target >= {NOTIFY_RATE:g}; "
        f"{median / bare_median:.3f} x the bare view's {bare_median:,.0f} req/s), "
        f"{errors['notify']} errors",
    )
    drained = work("drain", env)
    print(
        f"  the task worker issued the receipts' {drained['queued']:,} queued tasks in "
        f"{fmt_s(drained['seconds'])} (one process; receipts left unsigned: the bench sets no "
        f"PAYMENT_RECEIPT_KEY_PASSPHRASE); tasks left {drained['left']}"
    )
    done = work("paid", env)
    verdicts.add(
        done["paid"] >= accepted and done["receipts"] == done["paid"],
        f"every accepted notification left its payment paid with a receipt: {done['paid']:,} "
        f"paid, {done['receipts']:,} receipts, {accepted:,} counted acceptances",
    )


def bench_reconcile(verdicts: Verdicts, env: dict[str, str], tmp: Path, *, count: int) -> None:
    banner(f"7b. Reconciliation of {count:,} payments left pending, against the simulator")
    stale = work("stale", env, count, 30)
    print(f"  {count:,} stale payments written in bulk in {fmt_s(stale['seconds'])}")
    server, port = start_gunicorn(env, tmp / "gunicorn-reconcile.log")
    api = f"http://127.0.0.1:{port}/simulators/the/api/transaction"
    try:
        floor = work("bare_list", env | {"PAYMENT_CARD_API_URL": api})  # rolled back
        ours = work("reconcile", env | {"PAYMENT_CARD_API_URL": api}, count, 20 * 60)
        states = work("states", env)
    finally:
        stop(server)
    rate, floor_rate = count / ours["seconds"], count / floor["seconds"]
    print(
        f"  reconcile_pending: {fmt_s(ours['seconds'])} ({rate:,.0f}/s), outcomes "
        f"{ours['counts']}; the bare list fetch and raw UPDATE: {fmt_s(floor['seconds'])} "
        f"({floor_rate:,.0f}/s, {floor['paid']:,} paid listed, {floor['updated']:,} rows); "
        f"ratio {ours['seconds'] / floor['seconds']:.2f}"
    )
    print(f"  states afterwards: {states}")
    paid_at_gateway = len(range(0, count, PAID_SHARE))
    verdicts.add(
        states.get("paid", 0) == paid_at_gateway and states.get("pending", 0) == 0,
        f"reconciliation settled exactly the {paid_at_gateway:,} paid at the gateway and left "
        f"none pending ({states})",
    )
    verdicts.add(
        rate >= RECONCILE_TARGET,
        f"reconciliation {rate:,.0f} payments/s over {count:,} (target: 100,000 in < 60 s, "
        f"{RECONCILE_TARGET:,.0f}/s; the bare list fetch and UPDATE {floor_rate:,.0f}/s)",
    )


def bench_payments(
    verdicts: Verdicts, *, rounds: int, duration: float, reconcile: int, keep_db: bool
) -> None:
    banner(f"7. Online payment on PostgreSQL ({DB_NAME})")
    workdir = tempfile.TemporaryDirectory(prefix="tinhso-bench-payments-")
    tmp = Path(workdir.name)
    (tmp / "static").mkdir()
    env = base_env(
        DATABASE_URL=DB_URL.format(**PG),
        DJANGO_SETTINGS_MODULE="bench.settings",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(media_root(DB_NAME, tmp, keep=keep_db, fresh=True)),
        TASK_BACKEND="database",
    )
    env.pop("DEBUG", None)
    try:
        pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {DB_NAME}")
        tinhso(["migrate", "--noinput"], env)
        started = time.perf_counter()
        tinhso(
            ["seed", "--scale", "small", "--no-progress"],
            env | {"DEBUG": "true", "DEMO_YEAR_DOCUMENTS": "0"},
        )
        print(f"  migrate, seed --scale small: {fmt_s(time.perf_counter() - started)}")
        bench_notifications(verdicts, env, tmp, rounds=rounds, duration=duration)
        bench_reconcile(verdicts, env, tmp, count=reconcile)
    except Exception as error:
        verdicts.add(False, f"payment benchmark aborted: {type(error).__name__}: {error}")
    finally:
        workdir.cleanup()
        if not keep_db:
            pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--reconcile", type=int, default=100_000, help="stale payments (7b)")
    parser.add_argument("--keep-db", action="store_true")
    args = parse_or_work(parser, WORKERS, argv)
    if args is None:
        return 0
    if not (0 < args.rounds <= 20 and 0 < args.duration <= 30 and 0 < args.reconcile <= 1_000_000):
        parser.error("--rounds 1–20, --duration 0–30, --reconcile 1–1,000,000")
    verdicts = Verdicts()
    bench_payments(
        verdicts,
        rounds=args.rounds,
        duration=args.duration,
        reconcile=args.reconcile,
        keep_db=args.keep_db,
    )
    return verdicts.summary()


if __name__ == "__main__":
    sys.exit(main())
