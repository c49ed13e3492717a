"""The signatures app's stable API, for the apps above it (documents, exchange, …).

- `sign_pdf(*, pdf, identity, passphrase, actor, reason, location, field_name=None,
  visible=False) -> bytes`: a PAdES signature added as an incremental update.
- `verify_pdf(*, pdf, store=None) -> VerificationReport`: one result per signature.
- `record_verification(*, pdf, subject="", …) -> SignatureCheck`: verify once, store by
  SHA-256, show later (`selectors.report_of`).
- Keys: `identity_import` (PKCS#12), `identity_register_pkcs11` (a key on a token or HSM),
  `identity_deactivate`; trust: `trust_anchor_add`, `trust_anchor_update`,
  `revocation_list_load`; the development CA: `dev_ca`, `dev_identity_issue`,
  `dev_token_identity_issue` (a key generated on a token), `dev_ca_revoke`.

Every function takes keyword arguments only and raises `SignatureError` (a ValueError with a
Vietnamese `message`) for refused input, before anything is written.
"""

from tinhso.signatures.errors import SignatureError
from tinhso.signatures.services.anchors import (
    revocation_list_load,
    trust_anchor_add,
    trust_anchor_update,
)
from tinhso.signatures.services.development import (
    DEV_PASSPHRASE,
    dev_ca,
    dev_ca_revoke,
    dev_identity_issue,
    dev_token_identity_issue,
)
from tinhso.signatures.services.identities import identity_deactivate, identity_import
from tinhso.signatures.services.signing import record_verification, sign_pdf, verify_pdf
from tinhso.signatures.services.tokens import identity_register_pkcs11
from tinhso.signatures.trust import TrustStore, default_store
from tinhso.signatures.verify import SignatureResult, VerificationReport

__all__ = [
    "DEV_PASSPHRASE",
    "SignatureError",
    "SignatureResult",
    "TrustStore",
    "VerificationReport",
    "default_store",
    "dev_ca",
    "dev_ca_revoke",
    "dev_identity_issue",
    "dev_token_identity_issue",
    "identity_deactivate",
    "identity_import",
    "identity_register_pkcs11",
    "record_verification",
    "revocation_list_load",
    "sign_pdf",
    "trust_anchor_add",
    "trust_anchor_update",
    "verify_pdf",
]
