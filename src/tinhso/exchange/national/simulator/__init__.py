"""Simulators of the national systems, for the demo and the tests (never the real ones):
`DvcqgSimulator` (the national public-service portal's push API, `dvcqg.py`) and
`PopulationSimulator` (the national population database's lookup, `population.py`), served
under /simulators/ when NATIONAL_SIMULATORS is on."""

from django.conf import settings
from django.core.exceptions import PermissionDenied


def require_enabled() -> None:
    if not settings.NATIONAL_SIMULATORS:
        raise PermissionDenied("national simulators are disabled")
