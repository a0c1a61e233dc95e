"""The tamper-evident audit log: entries are leaves of an RFC 9162 Merkle tree, with signed checkpoints.

An entry's leaf is the canonical JSON of what it records (index, time, actor, event, object, details,
request id). Editing, deleting, inserting or reordering any past entry changes a leaf or the sequence of
leaf indexes, so `verify` (audit/verify.py) finds it, and the signed checkpoints tell which stretch of the
log was touched. Proofs are given against signed checkpoints.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.audit import checkpoint as notes
from grassroots.audit.merkle import LeafTree, leaf_hash
from grassroots.audit.models import AuditEntry, Checkpoint, LogHead
from grassroots.core.errors import DomainError, ErrorCode


def canonical(entry: AuditEntry | Pending) -> bytes:
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    data = {
        "i": entry.leaf_index,
        "at": at,
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "event": entry.event,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "extra": entry.extra,
        "request_id": entry.request_id,
    }
    # Only when there is one, so the leaves of older entries stay as they were (getattr: migration 0003 hashes
    # with the historical model, which has no such field).
    client_request_id = getattr(entry, "client_request_id", "")
    if client_request_id:
        data["client_request_id"] = client_request_id
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_hash(entry: AuditEntry | Pending) -> str:
    return leaf_hash(canonical(entry)).hex()


def entry_data(entry: AuditEntry) -> dict:
    """The entry as its leaf records it."""
    return json.loads(canonical(entry))


def append(entry: AuditEntry) -> AuditEntry:
    """Give the entry the next leaf index under the head's row lock, hash it, and save it."""
    assert transaction.get_connection().in_atomic_block, "audit entries commit with the change they record"
    LogHead.objects.get_or_create(pk=1)
    LogHead.objects.filter(pk=1).update(size=F("size") + 1)
    entry.leaf_index = LogHead.objects.select_for_update().get(pk=1).size - 1
    entry.leaf_hash = entry_hash(entry)
    entry.save()
    return entry


@dataclass(slots=True)
class Pending:
    """An entry on its way into a batched append: AuditEntry's fields without a model's construction cost."""

    at: dt.datetime
    actor_id: int | None
    actor_label: str
    event: int
    target_type: str
    target_id: str
    extra: dict
    request_id: str
    region_path: str
    leaf_index: int | None = None
    leaf_hash: str = ""
    client_request_id: str = ""


def append_many(entries: list[Pending]) -> list[Pending]:
    """Batched append: one row lock reserves a block of indexes, then one bulk insert."""
    assert transaction.get_connection().in_atomic_block
    LogHead.objects.get_or_create(pk=1)
    LogHead.objects.filter(pk=1).update(size=F("size") + len(entries))
    start = LogHead.objects.select_for_update().get(pk=1).size - len(entries)
    for offset, entry in enumerate(entries):
        entry.leaf_index = start + offset
        entry.leaf_hash = entry_hash(entry)
    connection = transaction.get_connection()
    adapt_time = connection.ops.adapt_datetimefield_value
    extra = AuditEntry._meta.get_field("extra")
    rows = [
        (
            adapt_time(e.at),
            e.actor_id,
            e.actor_label,
            e.event,
            e.target_type,
            e.target_id,
            extra.get_db_prep_save(e.extra, connection),
            e.request_id,
            e.leaf_index,
            e.leaf_hash,
            e.region_path,
            e.client_request_id,
        )
        for e in entries
    ]
    insert_rows(AuditEntry, INSERT_COLUMNS, rows)
    return entries


def insert_rows(model: type[models.Model], names: tuple[str, ...], rows: list[tuple]) -> None:
    """Values already in database form, in one executemany (SQLite) or one COPY (PostgreSQL), instead of
    bulk_create: the ORM's per-field preparation was two thirds of the cost, and COPY halves PostgreSQL's."""
    if not rows:
        return
    connection = transaction.get_connection()
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy"):  # psycopg 3
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})", rows)


INSERT_COLUMNS = (  # the order of the row tuples in append_many
    "at",
    "actor",
    "actor_label",
    "event",
    "target_type",
    "target_id",
    "extra",
    "request_id",
    "leaf_index",
    "leaf_hash",
    "region_path",
    "client_request_id",
)


_lock = threading.Lock()
_cache: dict[str, LeafTree] = {}  # a cache of the tree; `verify` never trusts it and rebuilds from rows


def tree() -> LeafTree:
    """The Merkle tree of committed entries, extended from the database as the log grows.

    The cache is checked against the stored hash of its last leaf first, so a rolled-back transaction or a
    restored database makes it reload rather than serve proofs for leaves that are not there.
    """
    with _lock:
        cached = _cache.setdefault("tree", LeafTree())
        start = max(len(cached) - 1, 0)  # re-read the last cached leaf with the new ones: one query
        stream = _leaves_from(start)
        if len(cached) and next(stream, None) != (start, cached.levels[0][start].hex()):
            cached = _cache["tree"] = LeafTree()
            stream = _leaves_from(0)
        for index, digest in stream:
            if index != len(cached):  # a gap: rows not yet committed, or damage; stop where it is contiguous
                break
            cached.append(bytes.fromhex(digest))
        return cached


def _leaves_from(start: int, chunk: int = 20_000) -> Iterator[tuple[int, str]]:
    """(leaf index, leaf hash) from `start` on, in plain SQL over windows of the unique index: this runs
    before every proof, and the ORM's query compilation would be most of a proof's time. A bounded range
    (not ORDER BY … LIMIT) keeps PostgreSQL on the index even before it has statistics for a grown table."""
    table, quote = AuditEntry._meta.db_table, transaction.get_connection().ops.quote_name
    sql = f"SELECT leaf_index, leaf_hash FROM {quote(table)} WHERE leaf_index >= %s AND leaf_index < %s"
    while True:
        with transaction.get_connection().cursor() as cursor:
            cursor.execute(sql + " ORDER BY leaf_index", [start, start + chunk])
            page = cursor.fetchall()
        yield from page
        if len(page) < chunk:  # the window was not full: the end of the log (or a gap, where tree() stops)
            return
        start += chunk


def reset_cache() -> None:
    with _lock:
        _cache.clear()


class LogError(DomainError):
    """The log cannot answer as asked (not covered yet, or damaged): a clear message, never a 500."""

    def __init__(self, message: str):
        super().__init__(ErrorCode.CONFLICT, message)


class SigningKeyMissing(DomainError):
    """No Ed25519 key configured: checkpoints can be neither signed nor checked. A server setup problem."""

    def __init__(self):
        super().__init__(
            ErrorCode.CONFLICT,
            _("未配置审计签名密钥 GRASSROOTS_AUDIT_SIGNING_KEY，无法签发或核验检查点；请联系系统管理员"),
        )

    @property
    def status(self) -> int:
        return 503


def signing_key() -> Ed25519PrivateKey:
    if not settings.AUDIT_SIGNING_KEY:
        raise SigningKeyMissing()
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.AUDIT_SIGNING_KEY))


def public_key() -> bytes:
    return notes.public_bytes(signing_key())


def public_key_line() -> str:
    key = base64.b64encode(public_key()).decode()
    return f"# Ed25519 public key of {settings.AUDIT_KEY_NAME} (base64): {key}\n"


@transaction.atomic
def make_checkpoint() -> Checkpoint:
    """Sign the current tree head as the next numbered checkpoint. Idempotent for an unchanged log.

    Holds the head's row lock, so no append is half-way; refuses to sign a log whose stored entries do not
    reach the head (deleted or uncommitted rows), rather than certify a damaged log.
    """
    key = signing_key()
    LogHead.objects.get_or_create(pk=1)
    LogHead.objects.filter(pk=1).update(size=F("size"))  # takes the write lock (SQLite) or row lock
    head = LogHead.objects.select_for_update().get(pk=1)
    current = tree()
    size = len(current)
    if size != head.size:
        raise LogError(
            gettext(
                "审计日志不完整：日志头记录 %(head)s 条，连续存储的只有 %(size)s 条；请运行 grassroots audit verify"
            )
            % {"head": head.size, "size": size}
        )
    latest = Checkpoint.objects.order_by("-seq").first()
    if latest is not None and latest.size == size:
        return latest
    if latest is not None and latest.size > size:
        raise LogError(
            gettext("审计日志只有 %(size)s 条，少于检查点 #%(seq)s 的 %(cp)s 条；请运行 grassroots audit verify")
            % {"size": size, "seq": latest.seq, "cp": latest.size}
        )
    root = current.root(size)
    note = notes.sign(settings.AUDIT_LOG_ORIGIN, size, root, name=settings.AUDIT_KEY_NAME, key=key)
    LogHead.objects.filter(pk=1).update(checkpoints=F("checkpoints") + 1)
    return Checkpoint.objects.create(seq=head.checkpoints + 1, size=size, root_hash=root.hex(), note=note)


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-seq").first()


def _tree_for(checkpoint: Checkpoint) -> LeafTree:
    """A tree holding what `checkpoint` signed. The process cache serves if its root at that size matches —
    the signed root vouches for every cached leaf below it, so no query is needed; otherwise the tree is
    refreshed from the rows, then reloaded whole, before the log is declared not to match."""
    with _lock:
        cached = _cache.get("tree")
    if cached is not None and _holds(cached, checkpoint):
        return cached
    current = tree()
    if not _holds(current, checkpoint):
        reset_cache()
        current = tree()
    if checkpoint.size > len(current):
        raise LogError(
            gettext(
                "检查点 #%(seq)s 覆盖 %(cp)s 条，但日志只有 %(n)s 条连续记录（从 #%(n)s 起缺失）；"
                "请运行 grassroots audit verify"
            )
            % {"seq": checkpoint.seq, "cp": checkpoint.size, "n": len(current)}
        )
    if not _holds(current, checkpoint):
        raise LogError(
            gettext("日志已与检查点 #%(seq)s 的根哈希不符；请运行 grassroots audit verify") % {"seq": checkpoint.seq}
        )
    return current


def _holds(current: LeafTree, checkpoint: Checkpoint) -> bool:
    return checkpoint.size <= len(current) and current.root(checkpoint.size).hex() == checkpoint.root_hash


def prove(entry: AuditEntry, checkpoint: Checkpoint) -> dict:
    """Inclusion proof of `entry` against a signed checkpoint, with the checkpoint itself."""
    if entry.leaf_index >= checkpoint.size:
        raise LogError(
            gettext(
                "记录 #%(i)s 尚未被检查点 #%(seq)s（%(cp)s 条）覆盖；"
                "请等待下一个检查点，或运行 grassroots audit checkpoint"
            )
            % {"i": entry.leaf_index, "seq": checkpoint.seq, "cp": checkpoint.size}
        )
    current = _tree_for(checkpoint)
    if current.levels[0][entry.leaf_index].hex() != entry.leaf_hash or entry_hash(entry) != entry.leaf_hash:
        raise LogError(
            gettext("记录 #%(i)s 已不是检查点 #%(seq)s 签署时的内容；请运行 grassroots audit verify")
            % {"i": entry.leaf_index, "seq": checkpoint.seq}
        )
    return {
        "leaf_index": entry.leaf_index,
        "tree_size": checkpoint.size,
        "leaf_hash": entry.leaf_hash,
        "root_hash": checkpoint.root_hash,
        "proof": [p.hex() for p in current.inclusion_proof(entry.leaf_index, checkpoint.size)],
        "checkpoint": checkpoint.note,
    }


def prove_consistency(old: Checkpoint, new: Checkpoint) -> dict:
    """Consistency proof that checkpoint `new` extends checkpoint `old`, with both checkpoints."""
    if not 0 < old.size <= new.size:
        raise LogError(gettext("检查点大小须满足 0 < 旧 ≤ 新：%(old)s → %(new)s") % {"old": old.size, "new": new.size})
    current = _tree_for(new)
    if not _holds(current, old):  # the new checkpoint vouches for these leaves: the two checkpoints disagree
        raise LogError(
            gettext("检查点 #%(old)s 与检查点 #%(new)s 不一致（日志分叉或检查点被伪造）")
            % {"old": old.seq, "new": new.seq}
        )
    return {
        "old_size": old.size,
        "new_size": new.size,
        "old_root": old.root_hash,
        "new_root": new.root_hash,
        "proof": [p.hex() for p in current.consistency_proof(old.size, new.size)],
        "old_checkpoint": old.note,
        "new_checkpoint": new.note,
    }
