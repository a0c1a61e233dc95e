from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditEntry(models.Model):
    """One line of the append-only audit log. Rows are never updated or deleted by the application."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(_("操作人标识"), max_length=150, blank=True)
    event = models.PositiveIntegerField(_("事件"), db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    extra = models.JSONField(_("附加信息"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)  # always the server's own
    # The X-Request-ID the client or proxy sent, if sane: for matching their logs, never trusted as ours.
    client_request_id = models.CharField(_("客户端请求编号"), max_length=64, blank=True, default="")
    # Position and hash of this entry as a leaf of the RFC 9162 Merkle tree (audit/log.py).
    leaf_index = models.BigIntegerField(_("序号"), unique=True, null=True, editable=False)
    leaf_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Where the entry belongs, for scoping auditors to a subtree (audit/access.py). Not part of the leaf, so
    # it can be backfilled without touching any hash; "" means district-wide (seen only at a root region).
    region_path = models.CharField(_("区域路径"), max_length=255, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-leaf_index"]
        indexes = [
            models.Index(fields=["actor_label", "leaf_index"], name="audit_actor_idx"),
            # varchar_pattern_ops lets PostgreSQL use the index for the subtree prefix match (LIKE 'x%').
            models.Index(fields=["region_path"], name="audit_region_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.event} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are append-only")


class AuditSubject(models.Model):
    """Which records an entry is about: its target, and the people a list, search or house view showed.

    An index for the auditors' page (search by person record), written by record() beside each entry;
    not part of the leaf. See audit/subjects.py for which details name subjects.
    """

    entry = models.ForeignKey(
        AuditEntry,
        to_field="leaf_index",
        db_column="leaf_index",
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # an index, not integrity: verify() is what checks the entries
        db_index=False,  # looked up by (kind, object_id) only, through the index below
        related_name="subjects",
    )
    kind = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id", "entry"], name="audit_subject_idx")]

    def __str__(self) -> str:
        return f"#{self.entry_id} {self.kind}:{self.object_id}"


class LogHead(models.Model):
    """One row, locked while an entry takes the next leaf index, so indexes are gap-free and ordered.

    It also counts the checkpoints signed, so `verify` notices when the newest ones are deleted.
    """

    size = models.BigIntegerField(default=0)
    checkpoints = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit log size {self.size}"


class Checkpoint(models.Model):
    """A signed tree head (C2SP tlog-checkpoint), to be exported and kept outside the system too.

    `seq` numbers checkpoints 1, 2, 3 … without gaps, so a deleted checkpoint leaves a hole `verify` names.
    """

    seq = models.BigIntegerField(unique=True)
    size = models.BigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq} ({self.size} entries)"
