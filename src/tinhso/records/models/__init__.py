from tinhso.records.models.choices import Access
from tinhso.records.models.history import RecordEvent
from tinhso.records.models.plans import FilePlan, PlanEntry, PlanHeading
from tinhso.records.models.records import RecordItem, WorkRecord

__all__ = [
    "Access",
    "FilePlan",
    "PlanEntry",
    "PlanHeading",
    "RecordEvent",
    "RecordItem",
    "WorkRecord",
]
