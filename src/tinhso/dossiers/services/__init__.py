"""Every write on dossiers. Each service is one transaction that writes its history row."""

from tinhso.dossiers.services.attachments import attach_files, check_files
from tinhso.dossiers.services.citizen import dossier_rate
from tinhso.dossiers.services.common import Conflict, DossierError
from tinhso.dossiers.services.intake import (
    dossier_file_online,
    dossier_receive,
    dossier_receive_at_counter,
)
from tinhso.dossiers.services.processing import dossier_act, dossier_supplement, dossier_withdraw

__all__ = [
    "Conflict",
    "DossierError",
    "attach_files",
    "check_files",
    "dossier_act",
    "dossier_file_online",
    "dossier_rate",
    "dossier_receive",
    "dossier_receive_at_counter",
    "dossier_supplement",
    "dossier_withdraw",
]
