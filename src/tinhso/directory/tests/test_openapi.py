from pathlib import Path

from tinhso.web.management.commands.export_openapi import openapi_text

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"


def test_committed_openapi_matches_the_code():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "docs/openapi.json is out of date: run `make openapi` and commit it"
    )


def test_contract_paths():
    text = openapi_text()
    for path in ("/api/v1/units/{code}", "/api/v1/organs/{identifier}"):
        assert f'"{path}"' in text
