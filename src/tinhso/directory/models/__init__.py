from tinhso.directory.models.organs import Organ, OrganIdentifier, OrganKind, OrganScheme
from tinhso.directory.models.people import (
    Applicant,
    ApplicantKind,
    Official,
    Role,
    RoleAssignment,
    User,
)
from tinhso.directory.models.units import AdministrativeUnit, UnitLevel, UnitSuccession

__all__ = [
    "AdministrativeUnit",
    "Applicant",
    "ApplicantKind",
    "Official",
    "Organ",
    "OrganIdentifier",
    "OrganKind",
    "OrganScheme",
    "Role",
    "RoleAssignment",
    "UnitLevel",
    "UnitSuccession",
    "User",
]
