"""Every write on documents. Each service is one transaction that writes its history row and
its audit entry; see each function for what it guarantees and raises."""

from tinhso.documents.models import ClassifiedContent, ImmutableDocument
from tinhso.documents.services.chains import (
    ChainConflict,
    chain_create,
    chain_deactivate,
    chain_update,
)
from tinhso.documents.services.common import Conflict, DocumentError, NotEditable, take_number
from tinhso.documents.services.composing import compose_from_template
from tinhso.documents.services.distribution import (
    distribute,
    recipient_delivered,
    recipient_mark_failed,
    recipient_mark_sent,
    recipient_status_update,
    recipients_delivered,
)
from tinhso.documents.services.drafting import (
    RecipientSpec,
    attach_file,
    correct,
    draft_create,
    register_classified,
)
from tinhso.documents.services.editing import draft_update
from tinhso.documents.services.incoming import (
    assign,
    complete,
    receive_from_exchange,
    receive_paper,
    refuse,
    register_incoming,
    reply,
    start_handling,
)
from tinhso.documents.services.ingest import (
    ExchangeArrival,
    IncomingItem,
    ingest_incoming,
    receive_many_from_exchange,
)
from tinhso.documents.services.takeback import (
    revoke_incoming,
    take_back,
    take_back_answer,
    update_incoming,
)
from tinhso.documents.services.workflow import (
    cancel,
    current_step,
    issue,
    return_to_draft,
    review,
    sign,
    submit_for_review,
)

__all__ = [
    "ChainConflict",
    "ClassifiedContent",
    "Conflict",
    "DocumentError",
    "ExchangeArrival",
    "ImmutableDocument",
    "IncomingItem",
    "NotEditable",
    "RecipientSpec",
    "assign",
    "attach_file",
    "cancel",
    "chain_create",
    "chain_deactivate",
    "chain_update",
    "complete",
    "compose_from_template",
    "correct",
    "current_step",
    "distribute",
    "draft_create",
    "draft_update",
    "ingest_incoming",
    "issue",
    "receive_from_exchange",
    "receive_many_from_exchange",
    "receive_paper",
    "recipient_delivered",
    "recipient_mark_failed",
    "recipient_mark_sent",
    "recipient_status_update",
    "recipients_delivered",
    "refuse",
    "register_classified",
    "register_incoming",
    "reply",
    "return_to_draft",
    "review",
    "revoke_incoming",
    "sign",
    "start_handling",
    "submit_for_review",
    "take_back",
    "take_back_answer",
    "take_number",
    "update_incoming",
]
