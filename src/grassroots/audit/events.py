"""The audit event catalogue, kept in core/audit_events.py so that apps below audit can name events too."""

from grassroots.core.audit_events import LABELS, AuditEvent, label

__all__ = ["LABELS", "AuditEvent", "label"]
