from tinhso.dossiers.models.alerts import AlertKind, DeadlineAlert
from tinhso.dossiers.models.dossier import Channel, Dossier, DossierCounter, DossierEvent
from tinhso.dossiers.models.files import Attachment, Rating
from tinhso.dossiers.models.postal import Shipment
from tinhso.dossiers.models.results import ElectronicResult

__all__ = [
    "AlertKind",
    "Attachment",
    "Channel",
    "DeadlineAlert",
    "Dossier",
    "DossierCounter",
    "DossierEvent",
    "ElectronicResult",
    "Rating",
    "Shipment",
]
