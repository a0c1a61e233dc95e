"""Requests for shared data, their steps, the grants they lead to, each use of a grant, and error reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.ids import new_id


class RequestStatus(models.TextChoices):
    COMPLIANCE = "compliance", _("待合规审查")
    PROVIDER = "provider", _("待提供部门审批")
    GRANTED = "granted", _("已授权")
    REJECTED = "rejected", _("合规审查未通过")
    REFUSED = "refused", _("提供部门不予共享")
    WITHDRAWN = "withdrawn", _("已撤回")
    # Granted, then a field's grade changed: the grant serves nothing until the compliance step reviews it again.
    SUSPENDED = "suspended", _("分级变更，待重新合规审查")


OPEN_STATUSES = (RequestStatus.COMPLIANCE, RequestStatus.PROVIDER)
# Steps someone must take by `step_due_at`, escalated when late (sharing/escalation.py).
DUE_STATUSES = (*OPEN_STATUSES, RequestStatus.SUSPENDED)


class ShareRequest(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    dataset = models.ForeignKey("sharing.Dataset", verbose_name=_("数据资源"), on_delete=models.PROTECT)
    consumer = models.ForeignKey(
        "accounts.Department", verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="share_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("用途"), max_length=500)
    legal_basis = models.CharField(_("依据"), max_length=500)
    fields = models.JSONField(_("字段"), default=list)
    region = models.ForeignKey("areas.Region", verbose_name=_("区域范围"), on_delete=models.PROTECT)
    period_start = models.DateField(_("数据起始日"), null=True, blank=True)
    period_end = models.DateField(_("数据截止日"), null=True, blank=True)
    duration_days = models.PositiveIntegerField(_("使用期限（天）"))
    status = models.CharField(_("状态"), max_length=12, choices=RequestStatus.choices)
    step_due_at = models.DateTimeField(_("本环节期限"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超期督办时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"))
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "step_due_at"])]

    def __str__(self) -> str:
        return f"{self.consumer} → {self.dataset}"


class StepKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交申请")
    COMPLIANCE = "compliance", _("合规审查")
    PROVIDER = "provider", _("提供部门审批")
    ESCALATED = "escalated", _("超期督办")
    WITHDRAWN = "withdrawn", _("撤回申请")
    SUSPENDED = "suspended", _("分级变更，暂停授权")


class RequestStep(models.Model):
    """One row per step of a request's lifecycle: submitted, checks, decisions, escalation, withdrawal."""

    request = models.ForeignKey(ShareRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("环节"), max_length=20, choices=StepKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField()
    approved = models.BooleanField(null=True)
    reasons = models.TextField(blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class ShareGrant(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    request = models.OneToOneField(ShareRequest, on_delete=models.PROTECT, related_name="grant")
    dataset = models.ForeignKey("sharing.Dataset", on_delete=models.PROTECT, related_name="grants")
    consumer = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="share_grants")
    fields = models.JSONField(default=list)
    # No masking is stored: each call masks from the dataset's current grades (sharing/reading.py).
    region_path = models.CharField(max_length=255)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(_("每分钟调用上限"), default=60)
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField(_("到期时间"))
    key_prefix = models.CharField(max_length=12, blank=True)
    key_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    key_issued_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    revoke_reason = models.CharField(max_length=300, blank=True)
    # Set when the dataset's grades change under the grant, cleared when the compliance step approves it again.
    suspended_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    suspend_reason = models.CharField(_("暂停原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.consumer} · {self.dataset}"


class GrantUse(models.Model):
    """Every call made with a grant key, refused ones included: the usage log and the rate-limit window."""

    grant = models.ForeignKey(ShareGrant, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(db_index=True)
    resource = models.ForeignKey("sharing.Resource", null=True, blank=True, on_delete=models.SET_NULL)
    outcome = models.CharField(max_length=24)  # ok, rate_limited, expired, revoked, invalid
    rows = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["grant", "at"])]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.outcome} {self.at:%Y-%m-%d %H:%M:%S}"


class DataErrorReport(models.Model):
    """A consumer tells the provider a shared record is wrong; the provider must answer by `due_at`."""

    grant = models.ForeignKey(ShareGrant, on_delete=models.PROTECT, related_name="error_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    record_ref = models.CharField(_("记录标识"), max_length=120)
    description = models.CharField(_("问题描述"), max_length=1000)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(_("答复期限"))
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(_("答复"), max_length=1000, blank=True)
    corrected = models.BooleanField(_("已更正"), null=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.record_ref
