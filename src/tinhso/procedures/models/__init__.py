from tinhso.procedures.models.catalogue import (
    CompetentLevel,
    Fee,
    Field,
    Procedure,
    RequiredDocument,
    ServiceLevel,
    ServiceLevelKind,
    TimeUnit,
)
from tinhso.procedures.models.process import ProcessStep, StepAction

__all__ = [
    "CompetentLevel",
    "Fee",
    "Field",
    "Procedure",
    "ProcessStep",
    "RequiredDocument",
    "ServiceLevel",
    "ServiceLevelKind",
    "StepAction",
    "TimeUnit",
]
