"""The merchant's private key: read from its file, checked to be an RSA private key.

Amazon's Seller Central makes an RSA key pair per public key id and gives the private key as
a PEM file (``-----BEGIN PRIVATE KEY-----`` or ``-----BEGIN RSA PRIVATE KEY-----``). What is
wrong with a file is said in one line that never quotes the file's content.

Imports cryptography and the standard library only.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class KeyFileError(ValueError):
    """The private key file cannot be used; the message says why, never what it holds."""


def read_private_key(path: Path) -> rsa.RSAPrivateKey:
    """The RSA private key in the PEM (or DER) file at ``path``.

    Raises:
        KeyFileError: the file is missing or unreadable, holds no private key, a key that
            needs a password, or a key that is not RSA.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"private key file {path} does not exist") from None
    except OSError as failure:
        reason = failure.strerror or type(failure).__name__
        raise KeyFileError(f"private key file {path} cannot be read ({reason})") from None
    return private_key_of(data, str(path))


def private_key_of(data: bytes, source: str = "the private key") -> rsa.RSAPrivateKey:
    """The RSA private key in ``data`` (PEM or DER); ``source`` names it in errors."""
    load = (
        serialization.load_pem_private_key
        if data.lstrip().startswith(b"-----")
        else serialization.load_der_private_key
    )
    try:
        key = load(data, password=None)
    except TypeError:
        raise KeyFileError(f"{source} is encrypted; amzpay needs it without a password") from None
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{source} does not hold a PEM or DER private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFileError(f"{source} holds a private key that is not RSA (Amazon Pay's are)")
    return key
