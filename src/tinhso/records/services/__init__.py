"""Every write on file plans and work records. Each service is one transaction that writes
its history row and its audit entry; see each function for what it guarantees and raises."""

from tinhso.records.services.common import Conflict, RecordError
from tinhso.records.services.export import record_export
from tinhso.records.services.items import (
    record_add_note,
    record_attach,
    record_file_document,
    record_remove_item,
    record_reorder,
)
from tinhso.records.services.plans import (
    plan_add_entry,
    plan_add_heading,
    plan_approve,
    plan_copy_previous,
    plan_create,
    plan_remove_entry,
    plan_revise,
    plan_update_entry,
)
from tinhso.records.services.records import (
    record_archive,
    record_close,
    record_open,
    record_open_outside_plan,
    record_reopen,
    record_update,
)

__all__ = [
    "Conflict",
    "RecordError",
    "plan_add_entry",
    "plan_add_heading",
    "plan_approve",
    "plan_copy_previous",
    "plan_create",
    "plan_remove_entry",
    "plan_revise",
    "plan_update_entry",
    "record_add_note",
    "record_archive",
    "record_attach",
    "record_close",
    "record_export",
    "record_file_document",
    "record_open",
    "record_open_outside_plan",
    "record_remove_item",
    "record_reopen",
    "record_reorder",
    "record_update",
]
