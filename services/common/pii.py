"""Personal data at rest (PIPL; JR/T 0171 class C2): AES-256-GCM encryption and a keyed hash for search.

One master key from `CARLOAN_PII_KEY` (base64, 32 bytes); two keys are derived from it, one to encrypt and
one to hash, so the search column reveals nothing without the key and cannot be reversed by a dictionary of
ID numbers built without it.
"""
import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nameko.extensions import DependencyProvider

from services.common import config

_VERSION = "v1"


def _derive(master, label):
    return hmac.new(master, label.encode(), hashlib.sha256).digest()


class PiiCipher:
    def __init__(self, master_key: bytes):
        if len(master_key) < 32:
            raise ValueError("the PII key must be at least 32 bytes")
        self._aead = AESGCM(_derive(master_key, "carloan-pii-encrypt"))
        self._hash_key = _derive(master_key, "carloan-pii-search")

    @classmethod
    def from_env(cls):
        raw = config.secret("CARLOAN_PII_KEY", "pii-key", nbytes=32)
        return cls(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))

    def encrypt(self, plaintext):
        if plaintext is None:
            return None
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), _VERSION.encode())
        return f"{_VERSION}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token):
        if token is None:
            return None
        version, _, payload = token.partition(":")
        raw = base64.b64decode(payload)
        return self._aead.decrypt(raw[:12], raw[12:], version.encode()).decode()

    def digest(self, value):
        """Keyed hash for exact-match search (same value -> same digest, under this key only)."""
        if value is None:
            return None
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()


def mask_phone(value):
    """`138****5678`: how answers show a phone to whoever may not see it whole."""
    return None if value is None else value[:3] + "****" + value[-4:]


class Pii(DependencyProvider):
    """Gives workers the service's PiiCipher (key from config `PII_KEY` or `CARLOAN_PII_KEY`)."""

    def setup(self):
        key = self.container.config.get("PII_KEY")
        self.cipher = PiiCipher(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))) if key \
            else PiiCipher.from_env()

    def get_dependency(self, worker_ctx):
        return self.cipher
