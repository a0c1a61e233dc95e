"""Key management: staging a new field key, re-sealing every encrypted value, retiring old keys.

No-downtime rotation with several server processes (docs/operations.md):
1. `grassroots keys add`     — a new key joins GRASSROOTS_FIELD_KEYS, not yet active; reload the servers
                                so every process can read values sealed under it.
2. `grassroots keys rotate`  — the newest key becomes active and every row is re-sealed in small batches;
                                rows are readable under either key throughout; reload the servers.
3. `grassroots keys retire`  — keys that no row uses any more are removed.
On a single machine `keys rotate` alone does all of 1–2 in one go.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from grassroots.core import crypto
from grassroots.core.envfile import new_field_key, new_key_id, read_env, write_env
from grassroots.core.fields import EncryptedTextField, Sealed


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def _apply(env: dict[str, str]) -> None:
    """Make the running process use the new key settings at once (the key ring cache keys on them)."""
    settings.FIELD_KEYS = env["GRASSROOTS_FIELD_KEYS"]
    settings.ACTIVE_FIELD_KEY = env["GRASSROOTS_ACTIVE_FIELD_KEY"]


def _current_env(env_file: Path) -> dict[str, str]:
    env = read_env(env_file)
    env.setdefault("GRASSROOTS_FIELD_KEYS", settings.FIELD_KEYS)
    env.setdefault("GRASSROOTS_ACTIVE_FIELD_KEY", settings.ACTIVE_FIELD_KEY)
    return env


def add_key(env_file: Path) -> str:
    env = _current_env(env_file)
    kid = new_key_id()
    env["GRASSROOTS_FIELD_KEYS"] = f"{env['GRASSROOTS_FIELD_KEYS']},{kid}:{new_field_key()}"
    write_env(env_file, env)
    _apply(env)
    return kid


def activate_newest(env_file: Path) -> tuple[str, str]:
    """Activate the last key listed if it is not active yet, else add a fresh one. Returns (old, new)."""
    env = _current_env(env_file)
    kids = [item.split(":", 1)[0] for item in env["GRASSROOTS_FIELD_KEYS"].split(",") if item]
    old = env["GRASSROOTS_ACTIVE_FIELD_KEY"]
    if kids[-1] == old:
        add_key(env_file)
        env = _current_env(env_file)
        kids = [item.split(":", 1)[0] for item in env["GRASSROOTS_FIELD_KEYS"].split(",") if item]
    env["GRASSROOTS_ACTIVE_FIELD_KEY"] = kids[-1]
    write_env(env_file, env)
    _apply(env)
    return old, kids[-1]


def reseal_all(batch_size: int = 500, progress=None) -> Counter:
    """Re-seal every value not under the active key. Batches commit separately, so it can be resumed."""
    active = crypto.keyring().active
    done: Counter = Counter()
    for model, field in encrypted_fields():
        column = field.attname
        stale = model._default_manager.exclude(**{f"{column}__startswith": f"{crypto.TOKEN_PREFIX}.{active}."})
        stale = stale.exclude(**{f"{column}__isnull": True}).exclude(**{column: ""})
        while True:
            ids = list(stale.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                for pk, token in model._default_manager.filter(pk__in=ids).values_list("pk", column):
                    parts = {"table": model._meta.db_table, "column": field.column, "row_id": pk}
                    plain = crypto.decrypt(token, **parts)
                    model._default_manager.filter(pk=pk).update(**{column: Sealed(crypto.encrypt(plain, **parts))})
            done[f"{model._meta.label}.{column}"] += len(ids)
            if progress:
                progress(model._meta.label, column, done[f"{model._meta.label}.{column}"])
    return done


def keys_in_use() -> Counter:
    used: Counter = Counter()
    for model, field in encrypted_fields():
        for token in (
            model._default_manager.exclude(**{f"{field.attname}__isnull": True})
            .exclude(**{field.attname: ""})
            .values_list(field.attname, flat=True)
            .iterator(chunk_size=2000)
        ):
            used[crypto.token_key_id(token)] += 1
    return used


def retire_unused(env_file: Path) -> list[str]:
    env = _current_env(env_file)
    used = keys_in_use()
    keep, retired = [], []
    for item in env["GRASSROOTS_FIELD_KEYS"].split(","):
        kid = item.split(":", 1)[0]
        (keep if kid == env["GRASSROOTS_ACTIVE_FIELD_KEY"] or used[kid] else retired).append(item)
    env["GRASSROOTS_FIELD_KEYS"] = ",".join(keep)
    write_env(env_file, env)
    _apply(env)
    retired_ids = [item.split(":", 1)[0] for item in retired]
    from grassroots.core.models import IdempotencyRecord

    for kid in retired_ids:  # replay caches sealed under a retired key can no longer be opened: drop them
        IdempotencyRecord.objects.filter(sealed_body__startswith=f"{crypto.TOKEN_PREFIX}.{kid}.").delete()
    return retired_ids
