"""Shared fixtures: a small organ tree, officials with roles, API keys."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tinhso.directory.tests.factories import OfficialFactory, OrganFactory

# The suite runs on shared two-core machines beside other work: a property stays a property
# however slow one example is, so Hypothesis judges the examples, not the clock.
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("shared-machine")


@pytest.fixture
def organ_tree(db):
    """province committee → department → (none); province → district committee → commune."""
    province = OrganFactory(kind="province_committee", level=1, short_name="UBND", parent=None)
    department = OrganFactory(kind="department", level=2, short_name="STP", parent=province)
    district = OrganFactory(kind="district_committee", level=2, short_name="UBND", parent=province)
    commune = OrganFactory(kind="commune_committee", level=3, short_name="UBND", parent=district)
    office = OrganFactory(kind="district_office", level=3, short_name="PNV", parent=district)
    return {
        "province": province,
        "department": department,
        "district": district,
        "commune": commune,
        "office": office,
    }


@pytest.fixture
def official_factory(db):
    return OfficialFactory


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """Per-process caches of reference data (core.stamps) start empty in every test: a
    rolled-back test database gives the same stamp versions to other rows."""
    from tinhso.core.stamps import StampedCache

    StampedCache.clear_all()
