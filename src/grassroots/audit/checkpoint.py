"""Signed checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes with Ed25519.

Body: "<origin>\\n<tree size>\\n<base64 root hash>\\n". Signature line: "— <key name> <base64(key id ‖ sig)>"
where the key id is the first 4 bytes of SHA-256(key name ‖ "\\n" ‖ 0x01 ‖ public key) (0x01: Ed25519) and
the signature covers the body. A checkpoint exported from the system can be checked with only the public key.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

EM_DASH = "\u2014"


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + b"\x01" + public_key).digest()[:4]


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(Encoding.Raw, PublicFormat.Raw)


def body(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def sign(origin: str, size: int, root: bytes, *, name: str, key: Ed25519PrivateKey) -> str:
    text = body(origin, size, root)
    signature = key.sign(text.encode())
    blob = base64.b64encode(key_id(name, public_bytes(key)) + signature).decode()
    return f"{text}\n{EM_DASH} {name} {blob}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes


def verify(note: str, *, name: str, public_key: bytes) -> Checkpoint:
    """Parse and check a signed checkpoint; raise ValueError saying what is wrong."""
    text, sep, signatures = note.partition("\n\n")
    if not sep:
        raise ValueError("not a signed note: no blank line before the signatures")
    text += "\n"
    lines = text.splitlines()
    if len(lines) < 3 or not lines[1].isdigit():
        raise ValueError("checkpoint body must be origin, size and root hash")
    wanted = key_id(name, public_key)
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != EM_DASH or parts[1] != name:
            continue
        blob = base64.b64decode(parts[2])
        if blob[:4] != wanted:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(blob[4:], text.encode())
        except InvalidSignature:
            raise ValueError("checkpoint signature does not verify") from None
        return Checkpoint(lines[0], int(lines[1]), base64.b64decode(lines[2]))
    raise ValueError(f"no signature by {name} on this checkpoint")
