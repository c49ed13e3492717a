"""The two-node demo's setup (twonode.py, `tinhso exchange join|second-node`): a node's small
directory, peers registered both ways with keys stored hashed, keys files, idempotence.

One process and one database play both nodes here, as in test_documents_on_the_node.py: the
second node's `tinhso` commands, which `pair_with` runs as processes with the second node's
environment, run in this process through `call_command`, with that node's keys file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tinhso.directory.models import Official, OrganIdentifier, User
from tinhso.exchange import node, twonode
from tinhso.exchange.models import Peer, hash_key
from tinhso.exchange.nodeprocs import node_env

PROVINCE = "000.00.00.H33"
HAU_GIANG = [f"000.00.0{i}.H30" for i in range(4)]


@pytest.fixture(autouse=True)
def _keys_file(settings, tmp_path):
    """The first node's keys file, new for each test."""
    settings.EXCHANGE_PEER_KEYS_FILE = tmp_path / "node1" / "peer-keys.json"


@pytest.fixture
def first_node(db):
    """The first node's directory: the demo province's committee and a few organs (and, one
    database playing both nodes, the second's already, so that the organs each node lists
    are the same from one pairing to the next)."""
    twonode.seed_province(twonode.PROVINCES["kiengiang"])
    twonode.seed_province(twonode.PROVINCES["haugiang"])


@pytest.fixture
def second_node_commands(monkeypatch, tmp_path):
    """Run the second node's `tinhso` commands in this process, with its keys file."""
    calls: list[tuple[str, ...]] = []

    def run_in(env, *args, stdin=None):
        calls.append(args)
        if args[0] == "migrate":
            return ""
        out = io.StringIO()
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin or ""))
        with override_settings(EXCHANGE_PEER_KEYS_FILE=env["EXCHANGE_PEER_KEYS_FILE"]):
            call_command(*args, stdout=out)
        return out.getvalue()

    monkeypatch.setattr(twonode, "run_in", run_in)
    return calls


def pair(directory: Path) -> dict:
    env = node_env(directory, base={})
    return twonode.pair_with(
        env,
        name="haugiang",
        base_url="http://127.0.0.1:8001",
        peer_name="kiengiang",
        peer_url="http://127.0.0.1:8000",
        seed="haugiang",
        out=lambda _line: None,
    )


def test_seeding_a_province_makes_its_organs_and_accounts_once(db):
    assert twonode.seed_province(twonode.PROVINCES["haugiang"]) == {"organs": 4, "accounts": 3}
    made = OrganIdentifier.objects.filter(value__endswith=".H30").values_list("value", flat=True)
    assert sorted(made) == HAU_GIANG
    clerk = Official.objects.get(user__username="vanthu.haugiang")
    assert clerk.organ.identifier() == "000.00.00.H30"
    assert list(clerk.roles.values_list("role", flat=True)) == ["clerk"]
    assert User.objects.get(username="lanhdao.haugiang").check_password(twonode.DEMO_PASSWORD)
    assert twonode.seed_province(twonode.PROVINCES["haugiang"]) == {"organs": 0, "accounts": 0}
    assert OrganIdentifier.objects.filter(value__endswith=".H30").count() == 4


def test_pairing_registers_each_node_with_the_other(first_node, second_node_commands, tmp_path):
    paired = pair(tmp_path / "node2")
    assert paired["organ_ids"] == twonode.local_organ_ids()  # one database plays both
    assert paired["changed"] is True
    assert [c[0] for c in second_node_commands] == ["migrate", "exchange"]
    assert second_node_commands[1] == ("exchange", "join", "-", "--seed", "haugiang")

    ours = json.loads(Path(twonode.settings.EXCHANGE_PEER_KEYS_FILE).read_text())
    theirs = json.loads((tmp_path / "node2" / "exchange" / "peer-keys.json").read_text())
    assert set(ours) == {"haugiang"} and set(theirs) == {"kiengiang"}
    assert len(ours["haugiang"]) >= 40 and ours["haugiang"] != theirs["kiengiang"]
    # As node 2 knows node 1: node 1's URL and certificate, the hash of the key node 1
    # presents (never the key itself).
    kiengiang = Peer.objects.get(name="kiengiang")
    assert kiengiang.base_url == "http://127.0.0.1:8000"
    assert kiengiang.key_hash == hash_key(ours["haugiang"])
    assert kiengiang.certificate_pem == node.identity().certificate_pem
    assert PROVINCE in kiengiang.organ_ids
    haugiang = Peer.objects.get(name="haugiang")
    assert haugiang.base_url == "http://127.0.0.1:8001"
    assert haugiang.key_hash == hash_key(theirs["kiengiang"])
    assert set(HAU_GIANG) <= set(haugiang.organ_ids)
    assert ours["haugiang"] not in json.dumps(list(Peer.objects.values()), default=str)
    # Two Tỉnh Số nodes post each other batches.
    assert kiengiang.batch_size == haugiang.batch_size == twonode.TINHSO_BATCH
    # The key node 1 presents to haugiang is read from the file at each send.
    assert node.peer_key(haugiang) == ours["haugiang"]
    with override_settings(EXCHANGE_PEER_KEYS={"haugiang": "from-the-environment"}):
        assert node.peer_key(haugiang) == "from-the-environment"


def test_pairing_again_reuses_the_keys_and_changes_nothing(
    first_node, second_node_commands, tmp_path
):
    pair(tmp_path / "node2")
    before = list(Peer.objects.order_by("name").values())
    keys = Path(twonode.settings.EXCHANGE_PEER_KEYS_FILE).read_text()
    again = pair(tmp_path / "node2")
    assert again["changed"] is False
    assert again["seeded"] == {"organs": 0, "accounts": 0}
    assert [c[0] for c in second_node_commands] == ["migrate", "exchange"] * 2
    assert list(Peer.objects.order_by("name").values()) == before
    assert Path(twonode.settings.EXCHANGE_PEER_KEYS_FILE).read_text() == keys


def test_pairing_with_another_port_updates_the_peer_in_place(
    first_node, second_node_commands, tmp_path
):
    pair(tmp_path / "node2")
    peer = Peer.objects.get(name="haugiang")
    env = node_env(tmp_path / "node2", base={})
    twonode.pair_with(
        env,
        name="haugiang",
        base_url="http://127.0.0.1:9001",
        peer_name="kiengiang",
        peer_url="http://127.0.0.1:8000",
        seed="haugiang",
        out=lambda _line: None,
    )
    moved = Peer.objects.get(name="haugiang")
    assert (moved.pk, moved.base_url, moved.key_hash) == (
        peer.pk,
        "http://127.0.0.1:9001",
        peer.key_hash,
    )
    assert Peer.objects.count() == 2


def test_pairing_needs_the_first_nodes_directory(db, second_node_commands, tmp_path):
    with pytest.raises(RuntimeError, match="no organs"):
        pair(tmp_path / "node2")
    assert second_node_commands == []
    assert not Peer.objects.exists()


def test_join_refuses_a_bad_peer_and_keeps_nothing(db, monkeypatch):
    spec = {
        "name": "haugiang",
        "base_url": "file:///etc/passwd",
        "organ_ids": HAU_GIANG,
        "certificate_pem": node.identity().certificate_pem,
        "their_key": "k" * 43,
        "our_key": "o" * 43,
    }
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(spec)))
    with pytest.raises(CommandError, match="base_url"):
        call_command("exchange", "join", "-", stdout=io.StringIO())
    spec.update(base_url="http://127.0.0.1:8001", organ_ids=["H30", *HAU_GIANG])
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(spec)))
    with pytest.raises(CommandError, match="organ_ids"):
        call_command("exchange", "join", "-", stdout=io.StringIO())
    spec.update(organ_ids=HAU_GIANG, certificate_pem="not a certificate")
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(spec)))
    with pytest.raises(CommandError, match="certificate_pem"):
        call_command("exchange", "join", "-", stdout=io.StringIO())
    spec.update(certificate_pem=node.identity().certificate_pem)
    for batch_size in (0, 51, "10", 2.5, True):
        monkeypatch.setattr(
            "sys.stdin", io.StringIO(json.dumps({**spec, "batch_size": batch_size}))
        )
        with pytest.raises(CommandError, match="batch_size"):
            call_command("exchange", "join", "-", stdout=io.StringIO())
    assert not Peer.objects.exists()
    assert twonode.stored_key(Path(twonode.settings.EXCHANGE_PEER_KEYS_FILE), "haugiang") == ""


def test_the_node_environment_is_its_own(tmp_path):
    env = node_env(
        tmp_path / "n2",
        base={"EXCHANGE_PEER_KEYS": '{"x": "y"}', "EXCHANGE_KEY_FILE": "/k.pem", "DEBUG": ""},
    )
    root = (tmp_path / "n2").resolve()
    assert env["DATABASE_URL"] == f"sqlite:///{root / 'tinhso.sqlite3'}"
    assert env["MEDIA_ROOT"] == str(root / "media")
    assert env["EXCHANGE_DEV_DIR"] == str(root / "exchange")
    assert env["EXCHANGE_PEER_KEYS_FILE"] == str(root / "exchange" / "peer-keys.json")
    assert env["DEBUG"] == "true"
    assert (env["EXCHANGE_PEER_KEYS"], env["EXCHANGE_KEY_FILE"]) == ("{}", "")
    assert root.is_dir()


def test_a_broken_keys_file_gives_no_key(db, settings, tmp_path):
    peer = Peer.objects.create(
        name="haugiang",
        base_url="http://127.0.0.1:8001",
        organ_ids=HAU_GIANG,
        certificate_pem=node.identity().certificate_pem,
        key_hash=hash_key("k" * 43),
    )
    assert node.peer_key(peer) == ""  # no file
    path = Path(settings.EXCHANGE_PEER_KEYS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert node.peer_key(peer) == ""
    twonode.store_key(path, "haugiang", "a-key")  # a broken file is replaced, not merged
    assert json.loads(path.read_text()) == {"haugiang": "a-key"}
    assert path.stat().st_mode & 0o777 == 0o600
    assert node.peer_key(peer) == "a-key"
