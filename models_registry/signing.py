"""Signing certificate PDFs with the commission's digital certificate (pyHanko).

The certificate is a PKCS#12 file named by CERTIFICATE_SIGNING_P12 (its password in
CERTIFICATE_SIGNING_PASSWORD). Without it, PDFs go out unsigned; the QR code still lets anyone
check them on the portal. A PDF reader shows the signature and whether the file changed since.
"""
import io
from functools import lru_cache

from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

SIGNATURE_FIELD = "ChuKyCoQuan"


@lru_cache(maxsize=4)
def _signer(path, password):
    return signers.SimpleSigner.load_pkcs12(pfx_file=path, passphrase=password.encode() if password else None)


def is_configured():
    return bool(settings.CERTIFICATE_SIGNING_P12)


def signer_description():
    """Whom the PDFs are signed by, as the certificate names its holder; "" when unsigned."""
    if not is_configured():
        return ""
    return _loaded().signing_cert.subject.human_friendly


def _loaded():
    signer = _signer(settings.CERTIFICATE_SIGNING_P12, settings.CERTIFICATE_SIGNING_PASSWORD)
    if signer is None:
        raise RuntimeError("CERTIFICATE_SIGNING_P12 could not be read (wrong file or password).")
    return signer


def sign_pdf(data, *, reason, location=""):
    """`data` signed, or unchanged when no signing certificate is configured."""
    if not is_configured():
        return data
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    metadata = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, reason=reason, location=location)
    return signers.sign_pdf(writer, metadata, signer=_loaded()).getvalue()
