from tinhso.dossiers.models.dossier import Channel, Dossier, DossierCounter, DossierEvent

__all__ = ["Channel", "Dossier", "DossierCounter", "DossierEvent"]
