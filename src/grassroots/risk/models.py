"""Risk register: signals from every domain, scores per region × domain, warnings, rules, subscriptions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.fields import EncryptedTextField
from grassroots.core.ids import new_id
from grassroots.risk.levels import DEFAULT_THRESHOLDS, Level


class Domain(models.TextChoices):
    CASES = "cases", _("事件态势")
    OPINION = "opinion", _("舆情")
    ENVIRONMENT = "environment", _("环境")
    EMERGENCY = "emergency", _("应急")
    FINANCE = "finance", _("金融")


class WarningRule(models.Model):
    """Thresholds and actions per domain and kind; an empty kind is the domain's default."""

    domain = models.CharField(_("领域"), max_length=20, choices=Domain.choices)
    kind = models.CharField(_("类型"), max_length=60, blank=True)
    blue = models.FloatField(_("蓝色阈值"), default=DEFAULT_THRESHOLDS[0])
    yellow = models.FloatField(_("黄色阈值"), default=DEFAULT_THRESHOLDS[1])
    orange = models.FloatField(_("橙色阈值"), default=DEFAULT_THRESHOLDS[2])
    red = models.FloatField(_("红色阈值"), default=DEFAULT_THRESHOLDS[3])
    hysteresis = models.FloatField(_("回落余量"), default=0.25)
    half_life_hours = models.FloatField(_("衰减半衰期（小时）"), default=24.0)
    dedupe_minutes = models.PositiveIntegerField(_("合并窗口（分钟）"), default=60)
    notify_level = models.PositiveSmallIntegerField(_("通知订阅者的级别"), choices=Level.choices, default=Level.BLUE)
    # Roles (accounts.roles.Role values) whose members holding scope over the warning's region are notified
    # at notify_level, besides the personal subscriptions: in-app, and by e-mail when they have an address.
    notify_roles = models.JSONField(_("同时通知的角色"), default=list, blank=True)
    open_case_level = models.PositiveSmallIntegerField(_("自动立案的级别"), choices=Level.choices, default=Level.NONE)
    case_category = models.CharField(_("立案类别"), max_length=40, blank=True)
    plan_level = models.PositiveSmallIntegerField(_("提示启动预案的级别"), choices=Level.choices, default=Level.NONE)
    plan_name = models.CharField(_("应急预案"), max_length=120, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain", "kind"]
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        constraints = [models.UniqueConstraint(fields=["domain", "kind"], name="uniq_rule_domain_kind")]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} · {self.kind or '*'}"

    @property
    def thresholds(self) -> tuple[float, float, float, float]:
        return (self.blue, self.yellow, self.orange, self.red)


class RiskScore(models.Model):
    """The decaying score and its level per region × domain: also the rollup behind the warning map."""

    region = models.ForeignKey("areas.Region", on_delete=models.CASCADE, related_name="risk_scores")
    region_path = models.CharField(max_length=255, db_index=True)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    score = models.FloatField(default=0.0)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.NONE)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "domain"], name="uniq_score_region_domain")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.domain} {self.score:.2f}"


class Status(models.TextChoices):
    OPEN = "open", _("待处置")
    ACKNOWLEDGED = "acknowledged", _("已响应")
    CLOSED = "closed", _("已关闭")


class Disposition(models.TextChoices):
    HANDLED = "handled", _("已处置")
    CASE = "case", _("已转事件办理")
    FALSE_ALARM = "false_alarm", _("误报")
    MONITORING = "monitoring", _("持续关注后解除")


class Warning(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    domain = models.CharField(_("领域"), max_length=20, choices=Domain.choices)
    kind = models.CharField(_("类型"), max_length=60)
    region = models.ForeignKey("areas.Region", verbose_name=_("区域"), on_delete=models.PROTECT)
    region_path = models.CharField(max_length=255, db_index=True)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    peak_level = models.PositiveSmallIntegerField(_("最高级别"), choices=Level.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    count = models.PositiveIntegerField(_("信号数"), default=1)
    score = models.FloatField(default=0.0)
    summary = models.CharField(_("摘要"), max_length=300)
    first_at = models.DateTimeField(_("首次"))
    last_at = models.DateTimeField(_("最近"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disposition = models.CharField(_("处置结果"), max_length=16, choices=Disposition.choices, blank=True)
    disposition_note = models.CharField(_("处置说明"), max_length=500, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    case_number = models.CharField(max_length=24, blank=True)
    plan_proposed = models.CharField(_("建议启动的预案"), max_length=120, blank=True)

    class Meta:
        ordering = ["-last_at"]
        indexes = [models.Index(fields=["domain", "region", "kind", "status"]), models.Index(fields=["last_at"])]

    def __str__(self) -> str:
        return self.summary


class EventKind(models.TextChoices):
    OPENED = "opened", _("开启")
    ESCALATED = "escalated", _("升级")
    EASED = "eased", _("降级")
    LEVEL_CHANGED = "level_changed", _("分数衰减后级别变化")
    NOTIFIED = "notified", _("已通知")
    CASE_OPENED = "case_opened", _("已自动立案")
    PLAN_PROPOSED = "plan_proposed", _("建议启动预案")
    PLAN_ADOPTED = "plan_adopted", _("预案建议已采纳")
    PLAN_DECLINED = "plan_declined", _("预案建议未采纳")
    ACKNOWLEDGED = "acknowledged", _("已响应")
    CLOSED = "closed", _("已关闭")


class WarningEvent(models.Model):
    """The lifecycle: opened, escalated, eased, level changed by decay, notified, case opened, plan proposed,
    adopted or declined, acknowledged, closed."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.kind}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("待决定")
    ADOPTED = "adopted", _("已采纳")
    DECLINED = "declined", _("未采纳")


class PlanProposal(models.Model):
    """A proposal to start an emergency plan (预案), made when a warning reaches its rule's plan level.

    Street leaders in scope adopt or decline it; the emergency app, when it exists, takes adopted proposals
    as incidents (docs/risk.md). At most one proposal of a warning is open at a time.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="proposals")
    plan_name = models.CharField(_("应急预案"), max_length=120)
    level = models.PositiveSmallIntegerField(_("提出时的级别"), choices=Level.choices)
    proposed_at = models.DateTimeField(_("提出时间"))
    status = models.CharField(_("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("预案建议")
        verbose_name_plural = _("预案建议")
        constraints = [
            models.UniqueConstraint(
                fields=["warning"], condition=models.Q(status="proposed"), name="uniq_open_proposal_per_warning"
            )
        ]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.plan_name} {self.status}"


class Signal(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    kind = models.CharField(max_length=60)
    region = models.ForeignKey("areas.Region", on_delete=models.PROTECT)
    region_path = models.CharField(max_length=255)
    value = models.FloatField()
    severity = models.PositiveSmallIntegerField(choices=Level.choices)
    evidence = models.JSONField(default=list)
    source = models.CharField(max_length=120, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    warning = models.ForeignKey(Warning, null=True, blank=True, on_delete=models.SET_NULL, related_name="signals")

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["domain", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.domain}/{self.kind} {self.value}"


class Subscription(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="risk_subscriptions")
    domains = models.JSONField(_("领域"), default=list, blank=True)  # empty: every domain
    region = models.ForeignKey("areas.Region", verbose_name=_("区域"), on_delete=models.CASCADE)
    min_level = models.PositiveSmallIntegerField(_("最低级别"), choices=Level.choices, default=Level.BLUE)
    in_app = models.BooleanField(_("站内通知"), default=True)
    email = models.BooleanField(_("电子邮件"), default=False)
    webhook_url = models.URLField(_("Webhook 地址"), blank=True)
    webhook_secret = EncryptedTextField(_("签名密钥"), blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.region_id}"


class BaselineSnapshot(models.Model):
    """底数: the key counts of a region on a day, kept so they can be compared over time."""

    region = models.ForeignKey("areas.Region", on_delete=models.CASCADE, related_name="baselines")
    taken_on = models.DateField()
    data = models.JSONField()
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["-taken_on"]
        constraints = [models.UniqueConstraint(fields=["region", "taken_on"], name="uniq_baseline_region_day")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.taken_on}"


class ForecastPoint(models.Model):
    """Next weeks' cases per street (or the district) and top-level category; category null is the total."""

    region = models.ForeignKey("areas.Region", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("cases.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    mean = models.FloatField()
    low = models.FloatField()
    high = models.FloatField()
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["region", "category", "week"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.category_id} {self.week}"


class ModelRun(models.Model):
    """A fitted model's figures, kept for the pages and docs: the forecast backtest, the drivers model."""

    kind = models.CharField(max_length=20)  # forecast, drivers
    computed_at = models.DateTimeField()
    figures = models.JSONField()

    class Meta:
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.computed_at:%Y-%m-%d %H:%M}"
