"""The enveloped XML signature of a package (XML-DSig with signxml).

`sign` puts one `ds:Signature` as the last child of edXML:edXMLHeader. Its one Reference has
URI="" with the enveloped-signature transform: it covers the whole package, the
attachments outside the envelope included. RSA with SHA-256, inclusive C14N 1.0, the signer's
certificate in KeyInfo/X509Data for the receiver's information only.

`verify` trusts nothing in the package about keys: it checks the signature against the
certificate the caller expects for the sender (the peer's registered certificate), in its
validity period, and refuses (code 15) a package whose signature is missing, broken, made by
another key, or over something else than the whole package. `read` verifies, then parses
what was signed, never the bytes as received.

Keys and certificates are objects loaded once per process: loading a PEM runs expensive
checks (design.md measured ~25 signatures/s parsing the key each time, ~1,100/s without).
"""

from __future__ import annotations

from typing import Any

from cryptography import exceptions as crypto_exceptions
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree  # type: ignore[import-untyped]  # no stubs installed
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from tinhso.exchange.edxml.errors import EdxmlError, ErrorCode
from tinhso.exchange.edxml.model import Package
from tinhso.exchange.edxml.parse import read_tree
from tinhso.exchange.edxml.secure import (
    DSIG_NAMESPACE,
    LIMITS,
    Limits,
    check_conformance,
    load,
    parser,
    path_of,
    q,
)

_HEADER = f"{q('edXMLEnvelope')}/{q('edXMLHeader')}"
_DS = f"{{{DSIG_NAMESPACE}}}"
_SIGNATURE = f"{_DS}Signature"
# Whatever signxml, cryptography or lxml raise over a signature that does not hold.
_SIGNATURE_FAILURES = (
    SignXMLException,
    crypto_exceptions.InvalidSignature,
    ValueError,
    etree.LxmlError,
)
_ACCEPTED = SignatureConfiguration(
    location=f"./{_HEADER}/",
    expect_references=1,
    signature_methods=frozenset(
        {SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384, SignatureMethod.RSA_SHA512}
    ),
    digest_algorithms=frozenset(
        {DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}
    ),
)


def sign(
    data: bytes,
    *,
    key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    limits: Limits = LIMITS,
) -> bytes:
    """`data` (an unsigned package, as `build` writes it) with an enveloped signature.

    Raises EdxmlError when `data` is not a conformant package or is signed already."""
    root = load(data, limits=limits)
    check_conformance(root)
    header = root.find(_HEADER)
    if header.find(_SIGNATURE) is not None:
        raise EdxmlError(
            ErrorCode.NOT_CONFORMANT,
            "signed",
            "the package is signed already",
            element=path_of(header.find(_SIGNATURE)),
        )
    etree.SubElement(header, _SIGNATURE, Id="placeholder", nsmap={"ds": DSIG_NAMESPACE})
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    signed = signer.sign(root, key=key, cert=[certificate])
    # No pretty printing from here on: whitespace is part of what was signed.
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def verify(data: bytes, *, certificate: x509.Certificate, limits: Limits = LIMITS) -> Any:
    """The signed element tree of `data` (the package without its signature), once the
    signature is checked against `certificate`.

    Raises EdxmlError: 10 or 22 for a file that is not a conformant package, 15 for a
    signature that is missing, misplaced, broken or not made with `certificate`'s key."""
    root = load(data, limits=limits)
    check_conformance(root)
    signatures = root.findall(f".//{_SIGNATURE}")
    if len(signatures) != 1:
        raise EdxmlError(
            ErrorCode.BAD_CREDENTIALS,
            "signature_missing" if not signatures else "signatures",
            f"expected one signature, found {len(signatures)}",
            element=path_of(root.find(_HEADER)),
        )
    references = signatures[0].findall(
        f"{{{DSIG_NAMESPACE}}}SignedInfo/{{{DSIG_NAMESPACE}}}Reference"
    )
    if [reference.get("URI") for reference in references] != [""]:
        raise EdxmlError(
            ErrorCode.BAD_CREDENTIALS,
            "signature_scope",
            'the signature must cover the whole package (one Reference, URI="")',
            element=path_of(signatures[0]),
        )
    try:
        result = XMLVerifier().verify(
            data, x509_cert=certificate, parser=parser(), expect_config=_ACCEPTED
        )
    except (
        SignXMLException,
        crypto_exceptions.InvalidSignature,
        ValueError,
        etree.LxmlError,
    ) as error:
        raise EdxmlError(
            ErrorCode.BAD_CREDENTIALS,
            "signature",
            f"the signature does not verify with the sender's certificate: {error}",
            element=path_of(signatures[0]),
        ) from None
    assert not isinstance(result, list)  # expect_references=1
    return result.signed_xml


def read(data: bytes, *, certificate: x509.Certificate, limits: Limits = LIMITS) -> Package:
    """The package in `data`, signed with `certificate`'s key: what a node applies.

    Raises EdxmlError with the LGSP code (10, 15, 21, 22)."""
    return read_tree(verify(data, certificate=certificate, limits=limits), limits=limits)
