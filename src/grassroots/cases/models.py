"""事件 (cases): every citizen report, patrol finding or machine alert, carried round the closed loop."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.fields import EncryptedTextField
from grassroots.core.ids import new_id


class Category(models.Model):
    """A node of the category tree; leaves are what the classifier predicts."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    allow_anonymous = models.BooleanField(_("允许匿名"), default=False)
    # Problems of shared space (a broken manhole, not a neighbour dispute): only these may ever be published.
    public_space = models.BooleanField(
        _("公共空间类"), default=False, help_text=_("公共空间的问题可在 Open311 等公开渠道展示（不含个人信息）")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事件类别")
        verbose_name_plural = _("事件类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public_space(self) -> bool:
        """A leaf counts as public space only while its top level does too (unticking a top withdraws it all)."""
        return self.public_space and (self.parent is None or self.parent.public_space)


class ResponsibilityRule(models.Model):
    """责任清单: who handles a category at a region level, and in how many working hours.

    The most specific rule wins: the deepest category (leaf before its parent), then a rule limited to the
    case's subtree before a general one. `department` empty means the region's own staff handle it.
    """

    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.CASCADE)
    level = models.PositiveSmallIntegerField(
        _("承办层级"), choices=[(2, _("街道")), (3, _("社区")), (4, _("网格")), (1, _("区县"))]
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("承办部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    within = models.ForeignKey(
        "areas.Region",
        verbose_name=_("适用范围"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("留空表示全辖区适用"),
    )
    sla_hours = models.PositiveIntegerField(_("办理时限（工作小时）"), default=35)
    warn_hours = models.PositiveIntegerField(_("提前预警（工作小时）"), default=7)

    class Meta:
        verbose_name = _("责任清单")
        verbose_name_plural = _("责任清单")

    def __str__(self) -> str:
        return f"{self.category} → {self.department or self.get_level_display()}"


class Status(models.TextChoices):
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已签收")
    IN_PROGRESS = "in_progress", _("处置中")
    RESOLVED = "resolved", _("待确认")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = (Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RETURNED)


class Outcome(models.TextChoices):
    """Honest outcomes: statistics never mix them."""

    RESOLVED = "resolved", _("已解决（群众确认）")
    RESOLVED_NO_ANSWER = "resolved_no_answer", _("已解决（逾期未评价）")
    UNFIXED = "unfixed", _("未解决办结")
    REFERRED = "referred", _("非本级职责，已转交")
    DUPLICATE = "duplicate", _("重复事件")


class Channel(models.TextChoices):
    PORTAL = "portal", _("居民端")
    PATROL = "patrol", _("网格巡查")
    ASSISTED = "assisted", _("代办")
    HOTLINE = "hotline", _("热线")
    API = "api", _("接口")
    OPEN311 = "open311", _("Open311")
    MACHINE = "machine", _("系统预警")


class Case(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    number = models.CharField(_("编号"), max_length=24, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=80)
    description = models.TextField(_("描述"))
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT)
    category_confidence = models.FloatField(_("分类置信度"), null=True, blank=True)
    category_by_staff = models.BooleanField(_("人工分类"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DISPATCHED)
    outcome = models.CharField(_("办结方式"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("办结说明"), max_length=300, blank=True)
    planned_date = models.DateField(_("计划解决日期"), null=True, blank=True)
    referred_to = models.CharField(_("转交单位"), max_length=100, blank=True)
    # Where: the grid (and so community and street), optional point and door number.
    region = models.ForeignKey("areas.Region", verbose_name=_("网格"), on_delete=models.PROTECT)
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    house = models.ForeignKey(
        "registry.House", verbose_name=_("门牌"), null=True, blank=True, on_delete=models.SET_NULL
    )
    address = models.CharField(_("地点描述"), max_length=200, blank=True)
    # Who: reporter account or, for hotline and assisted entry, the resident's sealed name and phone.
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reported_cases"
    )
    reporter_name = EncryptedTextField(_("反映人"), blank=True)
    reporter_phone = EncryptedTextField(_("联系电话"), blank=True)
    reporter_door = EncryptedTextField(_("反映人住址"), blank=True)
    reporter_verified = models.BooleanField(_("实名核验"), default=False)
    anonymous = models.BooleanField(_("匿名"), default=False)
    # Set once at intake (intake._public): may the public feeds list this case, coarsened and without any text?
    public = models.BooleanField(_("可公开"), default=False)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assisted_cases",
    )
    source_ref = models.CharField(_("来源编号"), max_length=80, blank=True, db_index=True)
    # Owner: a department, or else the staff of `owner_region`. Never both empty (services enforce it).
    owner_region = models.ForeignKey(
        "areas.Region", verbose_name=_("承办区域"), on_delete=models.PROTECT, related_name="owned_cases"
    )
    owner_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("承办部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    owner_since = models.DateTimeField(_("承办开始"))
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    needs_arbitration = models.BooleanField(_("待裁定"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    primary = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    # SLA: counted in working hours from intake, not from acceptance (no clock reset by ping-pong).
    due_at = models.DateTimeField(_("办理时限"))
    warn_at = models.DateTimeField(_("预警时间"))
    warned = models.BooleanField(default=False)
    breached = models.BooleanField(_("已超时"), default=False)
    supervised = models.BooleanField(_("督办"), default=False)
    supervise_deadline = models.DateTimeField(_("督办期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("受理时间"), db_index=True)
    resolved_at = models.DateTimeField(_("处置完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)  # the cockpit's incremental refresh reads it

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["category", "created_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """The case timeline: one row per transition or note (one photo, one record: evidence links here)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(_("动作"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Evidence(models.Model):
    """A photo stored once (by content hash) and referenced by every step and report that needs it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")
    stage = models.CharField(_("阶段"), max_length=20, choices=[("report", _("反映")), ("rectify", _("整改"))])
    file = models.FileField(upload_to="evidence/%Y/%m/")
    sha256 = models.CharField(max_length=64, db_index=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="uniq_case_photo")]

    def __str__(self) -> str:
        return self.sha256[:12]


class Follower(models.Model):
    """Reporters and residents who said 我也遇到 (me too): all are told of every change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases")
    reason = models.CharField(max_length=20, choices=[("reporter", _("反映人")), ("me_too", _("我也遇到"))])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="uniq_follower")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"


class Rating(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    satisfied = models.BooleanField(_("满意"))
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.case_id} {self.score}"


class TrainingExample(models.Model):
    """A staff correction of the auto-classification, kept to retrain the classifier."""

    text = models.TextField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.category_id}: {self.text[:20]}"


class DayCounter(models.Model):
    """Per-day sequence for case numbers, incremented under a row lock so concurrent intakes never collide."""

    day = models.CharField(max_length=8, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
