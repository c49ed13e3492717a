import os
import subprocess
import sys

import pytest


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import tinhso.config.base"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"DEBUG": "false"},
        {"DEBUG": "false", "SECRET_KEY": "change-me"},
        {"DEBUG": "false", "SECRET_KEY": "django-insecure-tinhso-development-only"},
    ],
)
def test_refuses_to_start_without_a_real_secret_key(env):
    result = _import_settings(**env)
    assert result.returncode != 0
    assert "SECRET_KEY is missing or is a development value" in result.stderr


def test_starts_with_a_real_secret_key_or_in_debug():
    assert _import_settings(DEBUG="false", SECRET_KEY="x" * 50).returncode == 0
    assert _import_settings(DEBUG="true").returncode == 0


def test_unknown_task_backend_is_refused():
    result = _import_settings(DEBUG="true", TASK_BACKEND="celery")
    assert result.returncode != 0
    assert "TASK_BACKEND must be one of" in result.stderr
