"""The sharing catalogue (政务数据共享目录): datasets owned by departments, their fields and resources."""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.fields import EncryptedTextField
from grassroots.core.ids import new_id


class Sensitivity(models.TextChoices):
    """GB/T 43697-2024 《数据安全技术 数据分类分级规则》 §5: general, important and core data."""

    GENERAL = "general", _("一般数据")
    IMPORTANT = "important", _("重要数据")
    CORE = "core", _("核心数据")


class SharingClass(models.TextChoices):
    """《政务数据共享条例》 (in force 2025-08-01): the three sharing classes."""

    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NONE = "none", _("不予共享")


class Frequency(models.TextChoices):
    # Values are the EU frequency vocabulary used by DCAT-AP, so the export needs no mapping table.
    CONTINUOUS = "CONT", _("实时")
    DAILY = "DAILY", _("每日")
    WEEKLY = "WEEKLY", _("每周")
    MONTHLY = "MONTHLY", _("每月")
    QUARTERLY = "QUARTERLY", _("每季度")
    ANNUAL = "ANNUAL", _("每年")
    IRREGULAR = "IRREG", _("不定期")


class Dataset(models.Model):
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("描述"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("提供部门"), on_delete=models.PROTECT, related_name="datasets"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT)
    frequency = models.CharField(_("更新频率"), max_length=12, choices=Frequency.choices)
    sharing_class = models.CharField(_("共享类型"), max_length=16, choices=SharingClass.choices)
    conditions = models.CharField(_("共享条件"), max_length=500, blank=True)
    legal_basis = models.CharField(_("不予共享的法律依据"), max_length=500, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department__name", "title"]
        verbose_name = _("数据资源")
        verbose_name_plural = _("数据资源")

    def __str__(self) -> str:
        return self.title


class DatasetField(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(_("字段名"), max_length=60)
    label = models.CharField(_("中文名"), max_length=60)
    sensitivity = models.CharField(_("级别"), max_length=10, choices=Sensitivity.choices)
    # name / phone / id_number: masked per accounts.roles.MASKING for the consuming role.
    pii_kind = models.CharField(_("个人信息类型"), max_length=12, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Null until the provider grades an uploaded column; live-source fields come graded by their source.
    # A dataset with an ungraded field cannot be granted, nor a key issued for it (catalogue.require_graded).
    graded_at = models.DateTimeField(_("分级时间"), null=True, blank=True)

    class Meta:
        ordering = ["dataset", "position"]
        constraints = [models.UniqueConstraint(fields=["dataset", "name"], name="uniq_dataset_field")]

    def __str__(self) -> str:
        return f"{self.label} ({self.name})"


class Resource(models.Model):
    """A way to get the data: a live view over platform data (`source`), or an uploaded table kept as rows."""

    LIVE, FILE = "live", "file"
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=8, choices=[(LIVE, _("实时视图")), (FILE, _("上传文件"))])
    title = models.CharField(_("名称"), max_length=120)
    source = models.CharField(_("数据源"), max_length=40, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    columns = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    region_column = models.CharField(max_length=60, blank=True)  # region codes, for region-scoped grants
    date_column = models.CharField(max_length=60, blank=True)  # ISO dates, for period-limited grants
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "pk"]

    def __str__(self) -> str:
        return self.title


class ResourceRow(models.Model):
    """One row of an uploaded table, with its region and date resolved at upload so a page is one query.

    The cells are personal data as often as not (names, phones, ID numbers), so the row is kept as JSON in an
    encrypted field like every other personal field; `data` reads and writes it as {column: text}.
    """

    # Assigned by the application: the row id is part of the ciphertext's associated data (core/fields.py).
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="table_rows")
    position = models.PositiveIntegerField()
    content = EncryptedTextField()  # the row as JSON, {column: text}
    region = models.ForeignKey("areas.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["resource", "position"]
        constraints = [models.UniqueConstraint(fields=["resource", "position"], name="uniq_resource_row")]

    def __str__(self) -> str:
        return f"{self.resource_id}#{self.position}"

    @property
    def data(self) -> dict:
        return json.loads(self.content) if self.content else {}

    @data.setter
    def data(self, value: dict) -> None:
        self.content = json.dumps(value, ensure_ascii=False)
