"""SoftHSM2 for development and tests (no Django): a token directory with its configuration,
tokens initialised with `softhsm2-util`.

SoftHSM2 (Debian package softhsm2) is a PKCS#11 module that keeps its tokens as files in the
directory its configuration names; the module reads the file named by the environment
variable SOFTHSM2_CONF when it is initialised, once per process. So a server that signs with
keys on these tokens must run with SOFTHSM2_CONF set to the same file, and a process that
created a token after loading the module must initialise it again (`hsm.reload_module`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

LIBRARY = "/usr/lib/softhsm/libsofthsm2.so"
UTIL = "/usr/bin/softhsm2-util"
CONF_NAME = "softhsm2.conf"


class SoftHsmError(RuntimeError):
    """softhsm2-util refused (its message is kept)."""


def available() -> bool:
    return Path(LIBRARY).exists() and Path(UTIL).exists()


def write_config(directory: Path) -> Path:
    """`directory`/softhsm2.conf naming `directory`/tokens (both created, owner-only), kept
    as it is when it exists; its path is what SOFTHSM2_CONF must say."""
    directory = directory.resolve()
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True, mode=0o700)
    conf = directory / CONF_NAME
    if not conf.exists():
        conf.write_text(
            f"directories.tokendir = {tokens}\n"
            "objectstore.backend = file\n"
            "log.level = ERROR\n"
            "slots.removable = false\n"
        )
        conf.chmod(0o600)
    return conf


def token_labels(conf: Path) -> list[str]:
    """The labels of the initialised tokens of `conf` (from `softhsm2-util --show-slots`)."""
    out = _run(conf, "--show-slots")
    labels = []
    for line in out.splitlines():
        key, _, value = line.strip().partition(":")
        if key.strip() == "Label" and value.strip():
            labels.append(value.strip())
    return labels


def init_token(conf: Path, *, label: str, pin: str, so_pin: str) -> None:
    """Initialise a new token labelled `label` in the first free slot of `conf`."""
    if not 1 <= len(label.encode("utf-8")) <= 32:
        raise SoftHsmError("a token label has 1 to 32 bytes")
    _run(conf, "--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", pin)


def _run(conf: Path, *args: str) -> str:
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    proc = subprocess.run(  # noqa: S603 (a fixed tool; arguments are ours)
        [UTIL, *args], capture_output=True, text=True, timeout=60, check=False, env=env
    )
    if proc.returncode != 0:
        raise SoftHsmError((proc.stderr or proc.stdout).strip())
    return proc.stdout
