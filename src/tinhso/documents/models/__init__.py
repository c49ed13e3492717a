from tinhso.documents.models.chains import ApprovalChain, ApprovalChainStep
from tinhso.documents.models.choices import CorrectionKind
from tinhso.documents.models.files import DocumentFile
from tinhso.documents.models.history import DocumentEvent
from tinhso.documents.models.incoming import HandlingAlert, IncomingDocument
from tinhso.documents.models.outgoing import (
    ApprovalStep,
    ClassifiedContent,
    Document,
    ImmutableDocument,
    Recipient,
)
from tinhso.documents.models.registers import Register
from tinhso.documents.models.search import ExtractedText, SearchEntry

__all__ = [
    "ApprovalChain",
    "ApprovalChainStep",
    "ApprovalStep",
    "ClassifiedContent",
    "CorrectionKind",
    "Document",
    "DocumentEvent",
    "DocumentFile",
    "ExtractedText",
    "HandlingAlert",
    "ImmutableDocument",
    "IncomingDocument",
    "Recipient",
    "Register",
    "SearchEntry",
]
