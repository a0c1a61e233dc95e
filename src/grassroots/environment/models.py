"""Environment monitoring, SensorThings-like in our words: Station (Thing), Sensor, ObservedProperty, Datastream,
Observation; hourly and daily aggregates; ingest tokens; warning rules, alerts, maintenance tasks and the
operators (firms) who take part in joint disposal.

On PostgreSQL the observation table is declaratively partitioned by month (migration 0001 and storage.py); on
SQLite it is the same model without partitions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.ids import new_id


class StationKind(models.TextChoices):
    AIR = "air", _("空气质量")
    WATER = "water", _("地表水断面")
    DRINKING_WATER = "drinking_water", _("饮用水源")
    NOISE = "noise", _("声环境")
    SOIL = "soil", _("土壤点位")
    DISCHARGE = "discharge", _("排污口")
    WASTE = "waste", _("垃圾处理与环卫")


class Aggregation(models.TextChoices):
    INSTANT = "instant", _("瞬时值")
    HOURLY_MEAN = "hourly_mean", _("小时均值")
    DAILY_MEAN = "daily_mean", _("日均值")
    MOVING_8H = "moving_8h", _("8小时滑动均值")
    TOTAL = "total", _("累计值")
    SAMPLE = "sample", _("采样检测值")


class Quality(models.IntegerChoices):
    VALID = 0, _("有效")
    SUSPECT = 1, _("存疑")
    INVALID = 2, _("无效")


class ObservedProperty(models.Model):
    """What is measured (PM2.5, CODMn, noise Leq …) in its canonical unit; a datastream must use this unit."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)  # pm25, codmn, leq, cd …
    name = models.CharField(_("名称"), max_length=60)
    unit = models.CharField(_("单位"), max_length=20)
    # The physically possible range: a reading outside it is a sensor fault, never pollution.
    physical_min = models.FloatField(_("物理下限"), null=True, blank=True)
    physical_max = models.FloatField(_("物理上限"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("监测指标")
        verbose_name_plural = _("监测指标")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Station(models.Model):
    """A monitoring station, water section, noise point, soil site or discharge outlet: SensorThings' Thing."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(_("站点编码"), max_length=40, unique=True)  # the <station> of the MQTT topic
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=StationKind.choices)
    region = models.ForeignKey("areas.Region", verbose_name=_("网格"), on_delete=models.PROTECT)
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    # The operator is a firm for a discharge outlet (joint disposal notifies it), else a named body.
    operator = models.ForeignKey(
        "registry.LegalPerson", verbose_name=_("运营单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    operator_name = models.CharField(_("运营单位名称"), max_length=120, blank=True)
    # GB 3096-2008 §4 functional-zone class (0, 1, 2, 3, 4a, 4b) of a noise point.
    noise_zone = models.CharField(_("声环境功能区"), max_length=2, blank=True)
    # GB 3838-2002 target class of a water section (I … V).
    water_target = models.CharField(_("水质目标"), max_length=3, blank=True)
    # GB 15618-2018 land use of a soil site: paddy (水田) or other.
    soil_land_use = models.CharField(_("用地类型"), max_length=10, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("监测站点")
        verbose_name_plural = _("监测站点")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)


class Sensor(models.Model):
    station = models.ForeignKey(Station, related_name="sensors", on_delete=models.CASCADE)
    serial = models.CharField(_("序列号"), max_length=60)
    model_name = models.CharField(_("型号"), max_length=80, blank=True)
    installed_at = models.DateField(_("安装日期"), null=True, blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("传感器")
        verbose_name_plural = _("传感器")
        constraints = [models.UniqueConstraint(fields=["station", "serial"], name="uniq_sensor_serial")]

    def __str__(self) -> str:
        return self.serial


class Datastream(models.Model):
    """Station × property, in the property's unit; last_* is the newest observation, kept for the live views."""

    station = models.ForeignKey(Station, related_name="datastreams", on_delete=models.CASCADE)
    property = models.ForeignKey(ObservedProperty, on_delete=models.PROTECT)
    sensor = models.ForeignKey(Sensor, null=True, blank=True, on_delete=models.SET_NULL)
    unit = models.CharField(_("单位"), max_length=20)
    aggregation = models.CharField(_("聚合方式"), max_length=20, choices=Aggregation.choices)
    interval_minutes = models.PositiveIntegerField(_("上报间隔（分钟）"), default=60)
    last_time = models.DateTimeField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["station_id", "property_id"]
        verbose_name = _("数据流")
        verbose_name_plural = _("数据流")
        constraints = [models.UniqueConstraint(fields=["station", "property"], name="uniq_stream_station_property")]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.property_id}"


class Observation(models.Model):
    """One reading. The primary key (datastream, time) makes a re-sent reading idempotent and, on PostgreSQL,
    includes the partition key, as a partitioned table's unique constraints must."""

    pk = models.CompositePrimaryKey("datastream_id", "time")
    # No FK constraint and no own index: a partitioned table keeps them per partition; the key covers lookups.
    datastream = models.ForeignKey(Datastream, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False)
    time = models.DateTimeField()
    value = models.FloatField()
    quality = models.PositiveSmallIntegerField(choices=Quality.choices, default=Quality.VALID)

    class Meta:
        managed = True
        verbose_name = _("观测值")
        verbose_name_plural = _("观测值")

    def __str__(self) -> str:
        return f"{self.datastream_id}@{self.time:%Y-%m-%dT%H:%M}={self.value:g}"


class Period(models.TextChoices):
    HOUR = "hour", _("小时")
    DAY = "day", _("日")


class Aggregate(models.Model):
    """Hourly and daily statistics per datastream, rolled up incrementally from the valid observations."""

    datastream = models.ForeignKey(Datastream, related_name="aggregates", on_delete=models.CASCADE)
    period = models.CharField(max_length=4, choices=Period.choices)
    start = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["datastream", "period", "start"], name="uniq_aggregate_stream_period")
        ]

    def __str__(self) -> str:
        return f"{self.datastream_id}/{self.period}/{self.start:%Y-%m-%dT%H}"

    @property
    def mean(self) -> float:
        return self.total / self.count


class IngestToken(models.Model):
    """A device or integration credential, scoped to the stations it may write; only its hash is stored."""

    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(max_length=12, unique=True)  # shown in lists, identifies the token in logs
    token_hash = models.CharField(max_length=64, unique=True)
    stations = models.ManyToManyField(Station, related_name="ingest_tokens")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接入令牌")
        verbose_name_plural = _("接入令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RuleKind(models.TextChoices):
    EXCEEDANCE = "exceedance", _("超标准限值")
    THRESHOLD = "threshold", _("固定阈值")
    RATE = "rate", _("变化速率")
    SEASONAL = "seasonal", _("季节基线异常")
    HEALTH = "health", _("设备健康")


class Rule(models.Model):
    """A warning rule run over each ingested batch. `params` holds the kind's settings (threshold, window …);
    an empty station kind or property applies to all."""

    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=20, choices=RuleKind.choices)
    station_kind = models.CharField(_("站点类型"), max_length=20, choices=StationKind.choices, blank=True)
    property = models.ForeignKey(ObservedProperty, null=True, blank=True, on_delete=models.CASCADE)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    level = models.PositiveSmallIntegerField(_("信号等级"), default=2)  # risk severity 1–4
    open_case = models.BooleanField(_("自动立案"), default=False)
    case_category = models.CharField(_("立案类别"), max_length=40, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("环境预警规则")
        verbose_name_plural = _("环境预警规则")

    def __str__(self) -> str:
        return self.name


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    ACKNOWLEDGED = "acknowledged", _("处置中")
    CLOSED = "closed", _("已关闭")


# An alert still being dealt with: storms fold into it, lists and the cockpit count it.
ACTIVE_ALERT_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    """A warning from one rule at one station; a storm of exceedances folds into the open alert (count)."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT)
    station = models.ForeignKey(Station, related_name="alerts", on_delete=models.CASCADE)
    datastream = models.ForeignKey(Datastream, null=True, blank=True, on_delete=models.SET_NULL)
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("等级"))
    status = models.CharField(_("状态"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    summary = models.CharField(_("摘要"), max_length=200)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    peak_value = models.FloatField(null=True, blank=True)
    signal_id = models.BigIntegerField(null=True, blank=True)  # risk.Signal, through raise_signal
    warning_id = models.BigIntegerField(null=True, blank=True)  # risk.Warning, when the signal made one
    case_id = models.BigIntegerField(null=True, blank=True)  # cases.Case, through open_machine_case
    case_number = models.CharField(max_length=30, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-last_at"]
        verbose_name = _("环境告警")
        verbose_name_plural = _("环境告警")
        indexes = [models.Index(fields=["station", "rule", "status"], name="env_alert_fold")]

    def __str__(self) -> str:
        return self.summary


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DONE = "done", _("已完成")


class MaintenanceTask(models.Model):
    """A sensor-health finding (flatline, stuck value, gap, out of range): work for the operator, not an alarm."""

    station = models.ForeignKey(Station, related_name="maintenance_tasks", on_delete=models.CASCADE)
    datastream = models.ForeignKey(Datastream, null=True, blank=True, on_delete=models.CASCADE)
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    problem = models.CharField(_("问题"), max_length=20)  # flatline | stuck | gap | out_of_range
    detail = models.CharField(_("说明"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("运维任务")
        verbose_name_plural = _("运维任务")

    def __str__(self) -> str:
        return self.detail


class OperatorContact(models.Model):
    """A login that speaks for a firm (LegalPerson) operating stations: it is notified of its stations' alerts
    and reports its rectification (joint disposal)."""

    legal_person = models.ForeignKey("registry.LegalPerson", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="operator_contacts", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("企业联系人")
        verbose_name_plural = _("企业联系人")
        constraints = [models.UniqueConstraint(fields=["legal_person", "user"], name="uniq_operator_contact")]

    def __str__(self) -> str:
        return f"{self.legal_person_id}:{self.user_id}"


class Rectification(models.Model):
    """A firm's report of what it did about an alert; staff accept it or send it back (the case records both)."""

    alert = models.ForeignKey(Alert, related_name="rectifications", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField(_("整改说明"))
    created_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(null=True)  # None: not reviewed yet
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class LabImport(models.Model):
    """One all-or-nothing import of lab results (water, soil samples) from CSV or Excel."""

    filename = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)  # SHA-256 of the file: the same file twice is refused
    rows = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["digest"], name="uniq_lab_import_digest")]

    def __str__(self) -> str:
        return self.filename


class AggregateDirty(models.Model):
    """An hour of a datastream that got new readings since the aggregates were last refreshed (aggregates.py).

    `version` grows with every new batch for the hour, so a refresh removes the mark only if no batch came in
    while it recomputed the hour."""

    datastream_id = models.BigIntegerField()
    hour = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["datastream_id", "hour"], name="uniq_aggregate_dirty")]

    def __str__(self) -> str:
        return f"{self.datastream_id}@{self.hour:%Y-%m-%dT%H}"
