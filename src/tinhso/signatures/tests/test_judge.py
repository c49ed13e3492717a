"""verify.judge: every branch from pyHanko's result to our status and reason (no PDF needed;
the real files of test_verify.py cover the common cases end to end)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import SignatureCoverageLevel

from tinhso.signatures.verify import judge, reason_message

ENTIRE_FILE = SignatureCoverageLevel.ENTIRE_FILE
REVISION = SignatureCoverageLevel.ENTIRE_REVISION
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def status(**changes):
    values = {
        "intact": True,
        "valid": True,
        "coverage": ENTIRE_FILE,
        "docmdp_ok": True,
        "seed_value_ok": True,
        "modification_level": ModificationLevel.NONE,
        "trusted": True,
        "revoked": False,
        "trust_problem_indic": None,
        "validation_time": NOW,
        "signing_cert": SimpleNamespace(not_valid_before=datetime(2026, 1, 1, tzinfo=UTC)),
    }
    values.update(changes)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ("valid", "ok")),
        (
            {"coverage": REVISION, "modification_level": ModificationLevel.FORM_FILLING},
            ("valid", "ok_later_signed"),
        ),
        ({"intact": False, "valid": False}, ("modified", "digest_mismatch")),
        ({"valid": False}, ("invalid", "bad_signature_value")),
        (
            {"coverage": SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START},
            ("modified", "partial_coverage"),
        ),
        ({"coverage": None}, ("modified", "partial_coverage")),
        ({"docmdp_ok": False}, ("modified", "illegal_modification")),
        ({"seed_value_ok": False}, ("modified", "illegal_modification")),
        (
            {"coverage": REVISION, "modification_level": ModificationLevel.OTHER},
            ("modified", "illegal_modification"),
        ),
        (
            {"trusted": False, "revoked": True, "trust_problem_indic": None},
            ("revoked", "revoked"),
        ),
        (
            {"trusted": False, "trust_problem_indic": AdESIndeterminate.REVOKED_CA_NO_POE},
            ("revoked", "ca_revoked"),
        ),
        (
            {"trusted": False, "trust_problem_indic": AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND},
            ("untrusted", "unknown_issuer"),
        ),
        (
            {"trusted": False, "trust_problem_indic": AdESFailure.NOT_YET_VALID},
            ("untrusted", "not_yet_valid"),
        ),
        (
            {"trusted": False, "trust_problem_indic": AdESIndeterminate.OUT_OF_BOUNDS_NO_POE},
            ("untrusted", "expired"),
        ),
        (
            {
                "trusted": False,
                "trust_problem_indic": AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                "validation_time": datetime(2025, 12, 31, tzinfo=UTC),
            },
            ("untrusted", "not_yet_valid"),
        ),
        (
            {"trusted": False, "trust_problem_indic": AdESIndeterminate.SIG_CONSTRAINTS_FAILURE},
            ("untrusted", "not_for_signing"),
        ),
        (
            {"trusted": False, "trust_problem_indic": AdESIndeterminate.TRY_LATER},
            ("untrusted", "untrusted"),
        ),
    ],
)
def test_judge(changes, expected):
    assert judge(status(**changes)) == expected


def test_reason_messages_fill_their_detail_and_fall_back():
    assert reason_message("not_yet_valid") == "Chứng thư số của người ký chưa đến ngày có hiệu lực."
    assert reason_message("malformed", detail="thiếu /ByteRange") == (
        "Chữ ký hỏng cấu trúc, không kiểm tra được: thiếu /ByteRange."
    )
    assert reason_message("no-such-reason") == "Không xác minh được chuỗi chứng thư của người ký."
