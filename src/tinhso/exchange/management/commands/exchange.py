"""`tinhso exchange send|apply|status|replay|cert|inbox|verify-log|join|second-node`: the
node's workers, outbox, inbox and message log from the command line, and the two-node demo
(twonode.py)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from tinhso.exchange import applying, messagelog, node, nodeprocs, outbox, selectors, twonode
from tinhso.exchange.models import InboxMessage, OutboxMessage


class Command(BaseCommand):
    help = "The exchange node: apply and send, show a message, replay a dead one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser(
            "send",
            help="the node's worker: apply what the inbox accepted, then attempt every due "
            "outbox message once",
        )
        send.add_argument("--limit", type=int, default=500)
        send.add_argument(
            "--every", type=float, default=0, help="again every N seconds until stopped"
        )
        apply = sub.add_parser("apply", help="apply what the inbox accepted (no sending)")
        apply.add_argument("--limit", type=int, default=500)
        status = sub.add_parser("status", help="show an outbox or inbox message")
        status.add_argument("message_id")
        replay = sub.add_parser(
            "replay", help="queue a dead or failed message again (outbox: send, inbox: apply)"
        )
        replay.add_argument("message_id")
        sub.add_parser("cert", help="print this node's certificate (PEM) for peers")
        inbox = sub.add_parser("inbox", help="list the packages received, newest first")
        inbox.add_argument("--state", choices=sorted(selectors.INBOUND), default="")
        inbox.add_argument("--limit", type=int, default=50)
        verify = sub.add_parser(
            "verify-log", help="check the message log's hash chain and the packages' hashes"
        )
        verify.add_argument(
            "--from", dest="start", type=int, default=None, help="start at this entry number"
        )

        join = sub.add_parser(
            "join", help="register a peer node from a JSON object (file or - for stdin)"
        )
        join.add_argument("spec")
        join.add_argument("--seed", choices=sorted(twonode.PROVINCES), default="")
        second = sub.add_parser(
            "second-node", help="prepare and serve a second node of another province (demo)"
        )
        second.add_argument("--dir", default=str(Path(settings.VAR_DIR) / "node2"))
        second.add_argument("--port", type=int, default=8001)
        second.add_argument("--province", choices=["haugiang"], default="haugiang")
        second.add_argument("--name", default="kiengiang", help="this node's peer name")
        second.add_argument("--url", default="http://127.0.0.1:8000", help="this node's URL")
        second.add_argument("--setup-only", action="store_true", help="prepare, do not serve")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "send":
            self._send(options["limit"], options["every"])
        elif action == "apply":
            counts = applying.apply_due(limit=options["limit"])
            self.stdout.write(", ".join(f"{n} {state}" for state, n in counts.items()))
        elif action == "join":
            self._join(options["spec"], options["seed"])
        elif action == "second-node":
            self._second_node(options)
        elif action == "cert":
            self.stdout.write(node.identity().certificate_pem)
        elif action == "status":
            self.stdout.write(json.dumps(self._describe(options["message_id"]), indent=2))
        elif action == "inbox":
            self._inbox(options["state"], options["limit"])
        elif action == "verify-log":
            self._verify(options["start"])
        else:
            self._replay(options["message_id"])

    def _replay(self, message_id: str) -> None:
        message = selectors.message_by_id(message_id)
        if message is None:
            raise CommandError(f"no message {message_id}")
        try:
            if isinstance(message, InboxMessage):
                applying.replay(row=message, actor="cli")
            else:
                outbox.replay(message=message, actor="cli")
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{message.message_id} queued again")

    def _send(self, limit: int, every: float) -> None:
        while True:
            applied = applying.apply_due(limit=limit)
            sent = outbox.send_due(limit=limit)
            if every <= 0 or any(applied.values()) or any(sent.values()):
                line = "; ".join(
                    f"{what}: " + ", ".join(f"{n} {state}" for state, n in counts.items())
                    for what, counts in (("apply", applied), ("send", sent))
                )
                self.stdout.write(line if every <= 0 else f"{time.strftime('%X')} {line}")
            if every <= 0:
                return
            close_old_connections()
            time.sleep(every)

    def _join(self, spec_path: str, seed: str) -> None:
        text = sys.stdin.read() if spec_path == "-" else Path(spec_path).read_text()
        try:
            answer = twonode.join(json.loads(text), seed=seed)
        except (ValueError, KeyError, ValidationError) as error:
            raise CommandError(f"cannot join: {error}") from None
        self.stdout.write(json.dumps(answer, ensure_ascii=False))

    def _second_node(self, options: dict[str, Any]) -> None:
        directory, port = Path(options["dir"]), options["port"]
        province = twonode.PROVINCES[options["province"]]
        env = nodeprocs.node_env(directory, extra={"PROVINCE_CODE": "93"})
        try:
            paired = twonode.pair_with(
                env,
                name=province.name,
                base_url=f"http://127.0.0.1:{port}",
                peer_name=options["name"],
                peer_url=options["url"],
                seed=province.name,
                out=self.stdout.write,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        accounts = ", ".join(a[0] for a in province.accounts)
        self.stdout.write(
            f"{province.title}: {len(paired['organ_ids'])} organs "
            f"({', '.join(paired['organ_ids'])}), accounts {accounts} "
            f"(password {twonode.DEMO_PASSWORD}); peers registered both ways"
            + ("" if paired["changed"] else " (unchanged)")
        )
        if options["setup_only"]:
            return
        self.stdout.write(
            f"serving http://localhost:{port}/ (Ctrl-C stops it); its worker sends every 2 s, "
            f"log {directory / 'worker.log'}"
        )
        status = nodeprocs.serve(env, port=port, log_dir=directory)
        if status:
            raise CommandError(f"the second node stopped ({status})")

    def _inbox(self, state: str, limit: int) -> None:
        entries = list(selectors.received_packages(state=state, limit=limit))
        states = {v: k for k, v in selectors.INBOUND.items()}
        now = selectors.inbox_states([entry.message_id for entry in entries])
        for entry in entries:
            self.stdout.write(
                "\t".join(
                    [
                        f"#{entry.seq}",
                        entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                        str(entry.message_id or "-"),
                        entry.sender_id or "-",
                        entry.peer or "(this node)",
                        entry.kind or "-",
                        entry.document_id or "-",
                        states[entry.direction],
                        f"now {now.get(str(entry.message_id), '-')}",
                        f"code {entry.code}",
                        entry.detail,
                    ]
                )
            )
        self.stdout.write(f"{len(entries)} package(s)")

    def _verify(self, start: int | None) -> None:
        self.stderr.write("verifying the message log…")
        result = messagelog.verify(
            start=start, progress=lambda n: self.stderr.write(f"  {n} entries checked")
        )
        span = f"#{result.first}–#{result.last}" if result.first is not None else "no entries"
        summary = f"{result.checked} entries ({span}), {result.packages} packages re-hashed"
        if result.ok:
            self.stdout.write(f"OK: {summary}; the chain is unbroken")
            return
        self.stdout.write(f"BROKEN: {summary}; first problem at {result.problems[0]}")
        for problem in result.problems:
            self.stdout.write(f"  {problem}")
        raise CommandError(f"the message log does not verify ({len(result.problems)} problems)")

    def _describe(self, message_id: str) -> dict[str, Any]:
        message = selectors.message_by_id(message_id)
        if message is None:
            raise CommandError(f"no message {message_id}")
        if isinstance(message, OutboxMessage):
            return {
                "direction": "out",
                "message_id": str(message.message_id),
                "kind": message.kind,
                "document_id": message.document_id,
                "recipient": message.recipient_id,
                "peer": message.peer.name if message.peer else "(this node)",
                "state": message.state,
                "attempts": message.attempts,
                "next_attempt_at": str(message.next_attempt_at or ""),
                "last_code": message.last_code,
                "last_error": message.last_error,
                "sent_at": str(message.sent_at or ""),
            }
        return {
            "direction": "in",
            "message_id": str(message.message_id),
            "kind": message.kind,
            "document_id": message.document_id,
            "sender": message.sender_id,
            "peer": message.peer.name if message.peer else "(this node)",
            "received_at": str(message.received_at),
            "state": message.state,
            "attempts": message.attempts,
            "last_error": message.last_error,
            "applied_at": str(message.applied_at or ""),
            "result": message.result,
        }
