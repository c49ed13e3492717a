from tinhso.dossiers.models.dossier import Channel, Dossier, DossierCounter, DossierEvent
from tinhso.dossiers.models.files import Attachment, Rating

__all__ = ["Attachment", "Channel", "Dossier", "DossierCounter", "DossierEvent", "Rating"]
