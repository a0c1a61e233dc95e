"""Field encryption and the blind index (DESIGN.md §4).

Ciphertext token: ``gr1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>``. AES-256-GCM with a fresh 96-bit
nonce per value (NIST SP 800-38D §8.2.2, random construction). The associated data binds the value to
table, column and row id, so a ciphertext copied into another row or column fails to decrypt.

The key id travels with every ciphertext, so during a rotation rows sealed under the old and the new key
are both readable: `grassroots keys rotate` adds a key, makes it active and re-seals rows in batches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TOKEN_PREFIX = "gr1"
BLIND_INDEX_BYTES = 16


class CryptoError(Exception):
    pass


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    active: str
    blind_key: bytes

    @classmethod
    def parse(cls, field_keys: str, active: str, blind_key: str) -> KeyRing:
        keys: dict[str, bytes] = {}
        for item in filter(None, (part.strip() for part in field_keys.split(","))):
            kid, _, b64 = item.partition(":")
            raw = base64.b64decode(b64)
            if len(raw) != 32 or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", kid):
                raise CryptoError(f"field key {kid!r} must be a 32-byte base64 key with a simple id")
            keys[kid] = raw
        if active not in keys:
            raise CryptoError(f"active field key {active!r} is not among GRASSROOTS_FIELD_KEYS")
        blind = base64.b64decode(blind_key)
        if len(blind) < 32:
            raise CryptoError("GRASSROOTS_BLIND_INDEX_KEY must be at least 32 bytes")
        return cls(keys=keys, active=active, blind_key=blind)


@lru_cache(maxsize=4)
def _keyring_for(field_keys: str, active: str, blind_key: str) -> KeyRing:
    return KeyRing.parse(field_keys, active, blind_key)


def keyring() -> KeyRing:
    """The key ring from settings; cached per distinct settings value (so rotation in-process just works)."""
    from django.conf import settings

    return _keyring_for(settings.FIELD_KEYS, settings.ACTIVE_FIELD_KEY, settings.BLIND_INDEX_KEY)


def _aad(table: str, column: str, row_id: object) -> bytes:
    return f"{table}|{column}|{row_id}".encode()


def encrypt(plaintext: str, *, table: str, column: str, row_id: object, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(12)
    sealed = AESGCM(ring.keys[ring.active]).encrypt(nonce, plaintext.encode(), _aad(table, column, row_id))
    return f"{TOKEN_PREFIX}.{ring.active}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def token_key_id(token: str) -> str:
    prefix, kid, _ = token.split(".", 2)
    if prefix != TOKEN_PREFIX:
        raise CryptoError("not a grassroots ciphertext")
    return kid


def decrypt(token: str, *, table: str, column: str, row_id: object, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    try:
        kid = token_key_id(token)
        blob = base64.urlsafe_b64decode(token.split(".", 2)[2])
        key = ring.keys[kid]
    except (ValueError, KeyError) as exc:
        raise CryptoError(f"cannot decrypt {table}.{column} of row {row_id}: unknown key or bad token") from exc
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], _aad(table, column, row_id)).decode()
    except InvalidTag as exc:
        raise CryptoError(f"{table}.{column} of row {row_id} failed authentication") from exc


def normalise(value: str, purpose: str) -> str:
    """Canonical form before hashing, so '138 0013 8000' and '13800138000' find the same person."""
    value = value.strip()
    if purpose == "phone":
        return re.sub(r"\D", "", value)
    if purpose == "id_number":
        return value.upper().replace(" ", "")
    return re.sub(r"\s+", "", value)


def blind_index(value: str, *, purpose: str, ring: KeyRing | None = None) -> str:
    """HMAC-SHA256 under the blind-index key, truncated to 128 bits, hex. Purpose separates domains."""
    ring = ring or keyring()
    message = f"{purpose}\x00{normalise(value, purpose)}".encode()
    return hmac.new(ring.blind_key, message, hashlib.sha256).hexdigest()[: BLIND_INDEX_BYTES * 2]
