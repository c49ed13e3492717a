"""The procedure as online filing reads it: cached per process, emptied by the catalogue stamp."""

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tinhso.procedures import catalogue_io
from tinhso.procedures.models import Procedure
from tinhso.procedures.seeding import DATA
from tinhso.procedures.selectors import procedure_for_filing

pytestmark = pytest.mark.django_db
DEMO = json.loads(Path(DATA).read_text(encoding="utf-8"))
LLTP = "2.000488.000.00.00.H33"


@pytest.fixture
def catalogue(organ_tree):
    from tinhso.directory.models import OrganIdentifier

    OrganIdentifier.objects.create(
        organ=organ_tree["department"], scheme="qcvn102", value="000.00.03.H33"
    )
    OrganIdentifier.objects.create(
        organ=organ_tree["province"], scheme="qcvn102", value="000.00.09.H33"
    )
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    return organ_tree


def test_a_hit_costs_no_query_and_answers_offering_and_level(catalogue):
    first = procedure_for_filing(code=LLTP)
    with CaptureQueriesContext(connection) as queries:
        again = procedure_for_filing(code=LLTP)
        offered = again.is_offered_by(catalogue["department"])
        not_offered = again.is_offered_by(catalogue["commune"])
        level = again.level_on(date(2026, 11, 26))
    assert again is first
    assert (offered, not_offered) == (True, False)
    assert level is not None and level.online_filing
    # Only the stamp is read (STAMP_RECHECK_SECONDS=0 in tests): one raw query, no ORM one.
    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith("SELECT version FROM core_datastamp")


def test_unknown_or_inactive_is_none(catalogue):
    assert procedure_for_filing(code="9.999999.000.00.00.H33") is None
    Procedure.objects.filter(code=LLTP).update(is_active=False)
    catalogue_io.import_catalogue({**copy.deepcopy(DEMO), "procedures": []})  # bumps the stamp
    assert procedure_for_filing(code=LLTP) is None


def test_an_import_is_seen_at_once(catalogue):
    assert procedure_for_filing(code=LLTP).time_limit == 10
    changed = copy.deepcopy(DEMO)
    for p in changed["procedures"]:
        if p["code"] == LLTP:
            p["time_limit"] = 7
    catalogue_io.import_catalogue(changed)
    assert procedure_for_filing(code=LLTP).time_limit == 7


def test_an_admin_edit_is_seen_at_once(catalogue, admin_user):
    cached = procedure_for_filing(code=LLTP)
    procedure = Procedure.objects.get(code=LLTP)
    procedure.organs.remove(catalogue["department"])  # what the admin's form saves …
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin = site._registry[Procedure]
    model_admin.save_model(request, procedure, form=None, change=True)  # … then tells the cache
    fresh = procedure_for_filing(code=LLTP)
    assert fresh is not cached
    assert fresh.is_offered_by(catalogue["department"]) is False
