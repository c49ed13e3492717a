"""Work records under /api/v1/records: file plans and their actions, records, what is filed
in them, their actions and their archive package. Thin: services and selectors do the work.
An illegal action is 409 with the allowed ones; outside the caller's organ 404; without the
right 403; bad input 422 naming the field."""

from tinhso.records.api import plans, records  # noqa: F401 (they register their endpoints)
from tinhso.records.api.common import router

__all__ = ["router"]
