"""Development `.env`: created on first run with fresh random keys, never committed (it is in .gitignore)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
from pathlib import Path


def new_field_key() -> str:
    """A 256-bit AES key, base64."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def new_key_id() -> str:
    return "k" + dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)


def read_env(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    return values


def write_env(path: Path, values: dict[str, str]) -> None:
    """Write atomically with owner-only permissions: the file holds secrets."""
    tmp = path.with_suffix(".tmp")
    body = "# grassroots local settings and dev keys. Never commit this file.\n"
    body += "".join(f"{k}={v}\n" for k, v in values.items())
    # Created owner-only from the first byte (os.open with 0600), so the secrets are never readable by others, not
    # even between a create and a chmod; a leftover temporary file from a crash is replaced, not reused.
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)
    tmp.replace(path)


def ensure_dev_env(path: Path) -> bool:
    """Fill in any missing key in `path`; return True if the file changed. Environment variables win."""
    values = read_env(path)
    changed = False

    def need(name: str) -> bool:
        return name not in values and name not in os.environ

    if need("GRASSROOTS_SECRET_KEY"):
        values["GRASSROOTS_SECRET_KEY"] = secrets.token_urlsafe(50)
        changed = True
    if need("GRASSROOTS_FIELD_KEYS"):
        kid = new_key_id()
        values["GRASSROOTS_FIELD_KEYS"] = f"{kid}:{new_field_key()}"
        values["GRASSROOTS_ACTIVE_FIELD_KEY"] = kid
        changed = True
    if need("GRASSROOTS_AUDIT_SIGNING_KEY"):
        values["GRASSROOTS_AUDIT_SIGNING_KEY"] = new_field_key()  # 32 random bytes: an Ed25519 private key
        changed = True
    if need("GRASSROOTS_BLIND_INDEX_KEY"):
        values["GRASSROOTS_BLIND_INDEX_KEY"] = new_field_key()
        changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_env(path, values)
    return changed
