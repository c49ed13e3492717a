"""Two LGSP nodes on one machine (issue 5, item 8; ADR 0012): a node's small directory, peers
registered both ways with generated keys, and the second node of the demo served beside the
first (`tinhso exchange second-node`, `make second-node`).

A node learns another by `join` (`tinhso exchange join -`, a JSON object on stdin): a Peer row
with the other's base URL, organs and certificate, the hash of the key the other presents to
it, and the key it presents to the other written to its `EXCHANGE_PEER_KEYS_FILE` (read at
each send, so a running node reaches a peer joined meanwhile). Each node's database is only
ever written by a process of that node: the second node's side runs as `tinhso` processes
with its environment (`node_env`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tinhso.core.codes import CodeError, validate_qcvn102
from tinhso.core.services import audit_record
from tinhso.directory import imports
from tinhso.directory.models import OrganIdentifier, OrganScheme, Role, User
from tinhso.directory.services import official_create
from tinhso.exchange import node
from tinhso.exchange.models import BATCH_MAX_PACKAGES, Peer, hash_key
from tinhso.exchange.nodeprocs import run_in

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "TinhSo@2020"  # noqa: S105 (the printed demo password, never production)
ORGANS_ON = dt.date(2020, 11, 3)  # organs as they were on the seed report
# Two Tỉnh Số nodes paired here post each other batches of up to this many packages
# (Peer.batch_size; /api/v1/exchange/inbox/batch).
TINHSO_BATCH = 10


@dataclass(frozen=True)
class Province:
    """A province a node can serve in the demo and the soak test: its peer name (how other
    nodes call it), its organs file and the accounts made on a node seeded for it."""

    name: str
    title: str
    organs_file: Path
    # (username, full name, position, organ identifier, role)
    accounts: tuple[tuple[str, str, str, str, str], ...]


PROVINCES = {
    "kiengiang": Province(
        "kiengiang",
        "LGSP tỉnh Kiên Giang",
        DATA_DIR / "organs-91-kien-giang-small.csv",
        (
            ("lanhdao.tinh", "Lâm Minh Thành", "Chủ tịch UBND tỉnh", "000.00.00.H33", Role.LEADER),
            ("vanthu.tinh", "Phạm Thị Thanh Thủy", "Văn thư", "000.00.00.H33", Role.CLERK),
            ("chuyenvien.tinh", "Đỗ Minh Khoa", "Chuyên viên", "000.00.00.H33", Role.SPECIALIST),
        ),
    ),
    "haugiang": Province(
        "haugiang",
        "LGSP tỉnh Hậu Giang",
        DATA_DIR / "organs-93-hau-giang.csv",
        (
            (
                "lanhdao.haugiang",
                "Trương Cảnh Tuyên",
                "Chủ tịch UBND tỉnh",
                "000.00.00.H30",
                Role.LEADER,
            ),
            ("vanthu.haugiang", "Lê Thị Mỹ Duyên", "Văn thư", "000.00.00.H30", Role.CLERK),
            (
                "chuyenvien.haugiang",
                "Nguyễn Hoàng Phúc",
                "Chuyên viên",
                "000.00.00.H30",
                Role.SPECIALIST,
            ),
        ),
    ),
}


@transaction.atomic
def seed_province(province: Province) -> dict[str, int]:
    """Load `province`'s organs unless its first account's organ is there already (a node
    seeded in full keeps its directory as it is), and make its accounts that do not exist
    yet, with the demo password. Idempotent. Returns the counts made."""
    head = province.accounts[0][3]
    organs = 0
    if not OrganIdentifier.objects.filter(scheme=OrganScheme.QCVN102, value=head).exists():
        organs = imports.import_organs(
            province.organs_file, units_on=ORGANS_ON, actor="exchange"
        ).created
    made = 0
    for username, full_name, position, organ_id, role in province.accounts:
        if User.objects.filter(username=username).exists():
            continue
        organ = OrganIdentifier.objects.get(scheme=OrganScheme.QCVN102, value=organ_id).organ
        official_create(
            username=username,
            full_name=full_name,
            organ=organ,
            position=position,
            roles=[role],
            password=DEMO_PASSWORD,
        )
        made += 1
    return {"organs": organs, "accounts": made}


def local_organ_ids() -> list[str]:
    """The QCVN 102 identifiers of this node's organs today (what a peer lists for it)."""
    idents = OrganIdentifier.objects.filter(scheme=OrganScheme.QCVN102).select_related("organ")
    today = timezone.localdate()
    return sorted(
        {
            ident.value
            for ident in idents
            if ident.is_valid_on(today)
            and (ident.organ.valid_to is None or today <= ident.organ.valid_to)
        }
    )


def describe() -> dict[str, Any]:
    """What another node needs to know of this one: its certificate and its organs."""
    return {"certificate_pem": node.identity().certificate_pem, "organ_ids": local_organ_ids()}


@transaction.atomic
def join_peer(
    *,
    name: str,
    base_url: str,
    organ_ids: list[str],
    certificate_pem: str,
    key_hash: str,
    title: str = "",
    batch_size: int = 1,
) -> tuple[Peer, bool]:
    """Register (or bring up to date) the peer `name`: where its inbox is, the organs it
    serves, its signing certificate and the hash of the key it presents. Returns the row and
    whether anything changed. Raises ValidationError naming the field."""
    if not base_url.startswith(("http://", "https://")):
        raise ValidationError({"base_url": "http:// or https:// only"})
    if type(batch_size) is not int or not 1 <= batch_size <= BATCH_MAX_PACKAGES:
        raise ValidationError({"batch_size": f"from 1 to {BATCH_MAX_PACKAGES}"})
    for organ_id in organ_ids:
        try:
            validate_qcvn102(organ_id)
        except CodeError:
            raise ValidationError({"organ_ids": f"not a QCVN 102 identifier: {organ_id}"}) from None
    try:
        x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError:
        raise ValidationError({"certificate_pem": "not a PEM certificate"}) from None
    values = {
        "title": title,
        "base_url": base_url,
        "organ_ids": sorted(organ_ids),
        "certificate_pem": certificate_pem,
        "key_hash": key_hash,
        "active": True,
        "batch_size": batch_size,
    }
    peer = Peer.objects.select_for_update().filter(name=name).first()
    if peer is not None and all(getattr(peer, k) == v for k, v in values.items()):
        return peer, False
    # Another row holding this key hash (the peer renamed) gives it up: the key is unique.
    Peer.objects.filter(key_hash=key_hash).exclude(name=name).update(
        key_hash=hash_key(secrets.token_urlsafe(32)), active=False
    )
    if peer is None:
        peer = Peer.objects.create(name=name, **values)
    else:
        for k, v in values.items():
            setattr(peer, k, v)
        peer.save()
    audit_record(
        action="exchange.peer_joined",
        obj=peer,
        actor="exchange",
        data={"base_url": base_url, "organs": len(organ_ids)},
    )
    return peer, True


def stored_key(path: Path, name: str) -> str:
    """The key for peer `name` in the keys file `path`, or ""."""
    try:
        keys = json.loads(path.read_text())
    except (OSError, ValueError):
        return ""
    return str(keys.get(name, "")) if isinstance(keys, dict) else ""


def store_key(path: Path, name: str, key: str) -> None:
    """Write `key` for peer `name` into the keys file `path` (JSON, mode 0600), replaced
    atomically so that a worker reading it never sees half a file."""
    keys: dict[str, str] = {}
    try:
        loaded = json.loads(path.read_text())
        keys = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        pass
    if keys.get(name) == key:
        return
    keys[name] = key
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".peer-keys-")
    with os.fdopen(fd, "w") as out:
        json.dump(keys, out, indent=2, sort_keys=True)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def join(spec: Mapping[str, Any], *, seed: str = "") -> dict[str, Any]:
    """This node's side of a pairing: seed the province `seed` first if given, register the
    peer of `spec` (name, title, base_url, organ_ids, certificate_pem, their_key: the key it
    presents to us, our_key: the key we present to it) and store our key. Returns `describe()`
    with what changed, for the other side."""
    seeded = seed_province(PROVINCES[seed]) if seed else {}
    _peer, changed = join_peer(
        name=spec["name"],
        title=spec.get("title", ""),
        base_url=spec["base_url"],
        organ_ids=list(spec["organ_ids"]),
        certificate_pem=spec["certificate_pem"],
        key_hash=hash_key(spec["their_key"]),
        batch_size=spec.get("batch_size", 1),
    )
    store_key(Path(settings.EXCHANGE_PEER_KEYS_FILE), spec["name"], spec["our_key"])
    return {**describe(), "peer_changed": changed, "seeded": seeded}


def pair_with(
    env: Mapping[str, str],
    *,
    name: str,
    base_url: str,
    peer_name: str,
    peer_url: str,
    seed: str = "",
    out: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Pair this node (the settings of this process, called `peer_name` by the other, served
    at `peer_url`) with the node of `env` (called `name`, served at `base_url`): migrate and
    seed it, register each with the other, keys generated once and kept in each node's keys
    file. Idempotent: a second run reuses the keys and changes nothing."""
    ours = local_organ_ids()
    if not ours:
        raise RuntimeError("this node has no organs: load its directory first (make run)")
    their_keys = Path(env["EXCHANGE_PEER_KEYS_FILE"])
    our_keys = Path(settings.EXCHANGE_PEER_KEYS_FILE)
    to_them = str(settings.EXCHANGE_PEER_KEYS.get(name, "")) or stored_key(our_keys, name)
    to_us = stored_key(their_keys, peer_name)
    to_them, to_us = to_them or new_key(), to_us or new_key()
    out(f"migrating {name}…")
    run_in(env, "migrate", "--noinput")
    out(f"{name}: loading its directory and registering {peer_name}…")
    spec = {
        "name": peer_name,
        "title": PROVINCES[peer_name].title if peer_name in PROVINCES else str(settings.SITE_NAME),
        "base_url": peer_url,
        "organ_ids": ours,
        "certificate_pem": node.identity().certificate_pem,
        "their_key": to_them,
        "our_key": to_us,
        "batch_size": TINHSO_BATCH,
    }
    args = ["exchange", "join", "-"] + (["--seed", seed] if seed else [])
    theirs = json.loads(run_in(env, *args, stdin=json.dumps(spec)))
    _peer, changed = join_peer(
        name=name,
        title=PROVINCES[seed].title if seed in PROVINCES else name,
        base_url=base_url,
        organ_ids=theirs["organ_ids"],
        certificate_pem=theirs["certificate_pem"],
        key_hash=hash_key(to_us),
        batch_size=TINHSO_BATCH,
    )
    if not settings.EXCHANGE_PEER_KEYS.get(name):
        store_key(our_keys, name, to_them)
    return {
        "organ_ids": theirs["organ_ids"],
        "changed": changed or theirs["peer_changed"],
        "seeded": theirs["seeded"],
    }
