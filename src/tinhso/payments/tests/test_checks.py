"""Production safety: with DEBUG off the platform refuses to start while a gateway uses a
simulator's secret or address, unless PAYMENT_SIMULATORS says this is a demo server; the
command's bad arguments."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import override_settings

from tinhso.payments.checks import gateways_not_simulated

REAL = {
    "card": {
        "CLASS": "tinhso.payments.gateways.card.CardGateway",
        "TMN_CODE": "KGTP0001",
        "SECRET": "a-real-secret-issued-by-the-bank-0123456789",
        "PAY_URL": "https://pay.example.vn/paymentv2/vpcpay.html",
        "API_URL": "https://pay.example.vn/merchant_webapi/api/transaction",
    },
    "paygov": {
        "CLASS": "tinhso.payments.gateways.paygov.PayGovGateway",
        "PARTNER_CODE": "KGTP",
        "SECRET": "another-real-secret-9876543210",
        "PAY_URL": "https://paygov.example.vn/pay",
        "API_URL": "https://paygov.example.vn/api",
    },
}


def ids(errors):
    return sorted(error.id for error in errors)


def test_defaults_refused_in_production(settings):
    with override_settings(DEBUG=False, PAYMENT_SIMULATORS=False):
        errors = gateways_not_simulated()
    # both secrets; the card's pay and API addresses and PayGov's (defaults on /simulators/)
    assert ids(errors) == ["payments.E001"] * 2 + ["payments.E002"] * 4
    assert "PAYMENT_CARD_SECRET" in errors[0].hint


def test_a_simulator_address_alone_is_refused():
    config = {name: dict(value) for name, value in REAL.items()}
    config["paygov"]["API_URL"] = "http://10.0.0.5:8000/simulators/paygov/api"
    with override_settings(DEBUG=False, PAYMENT_SIMULATORS=False, PAYMENT_GATEWAYS=config):
        assert ids(gateways_not_simulated()) == ["payments.E002"]


def test_real_configuration_passes_and_demo_or_debug_is_allowed():
    with override_settings(DEBUG=False, PAYMENT_SIMULATORS=False, PAYMENT_GATEWAYS=REAL):
        assert gateways_not_simulated() == []
    with override_settings(DEBUG=False, PAYMENT_SIMULATORS=True):
        assert gateways_not_simulated() == []
    with override_settings(DEBUG=True, PAYMENT_SIMULATORS=False):
        assert gateways_not_simulated() == []


def test_the_check_stops_the_check_command():
    with (
        override_settings(DEBUG=False, PAYMENT_SIMULATORS=False),
        pytest.raises(SystemCheckError, match=r"payments\.E001"),
    ):
        call_command("check")


@pytest.mark.django_db
def test_report_command_refuses_bad_arguments(tmp_path):
    out = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="--organ"):
        call_command(
            "payments", "report", "--organ", "999999", "--date", "2026-11-27", "--out", out
        )


@pytest.mark.django_db
def test_report_command_refuses_a_bad_date(tmp_path, organ_tree):
    organ = organ_tree["department"]
    with pytest.raises(CommandError, match="--date"):
        call_command(
            "payments", "report", "--organ", str(organ.pk), "--date", "27/11/2026", "--out", "x"
        )
