"""One clock for the services of documents and records (`core.clock`): `acting_at` sets it for
its block only."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tinhso.core import clock
from tinhso.documents.services import common as documents_common
from tinhso.records.services import common as records_common


def test_acting_at_sets_the_services_clock_for_its_block_only():
    moment = datetime(2020, 11, 3, 8, 0, tzinfo=timezone.get_current_timezone())
    with clock.acting_at(moment):
        assert clock.now() == documents_common.now() == records_common.now() == moment
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)
    with pytest.raises(ValueError), clock.acting_at(datetime(2020, 11, 3, 8, 0)):
        pass
