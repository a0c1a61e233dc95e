"""人/房/法人: people, houses and legal persons, each placed in a grid. Names, ID numbers and phones
of residents are encrypted at rest (core.fields) and found only through their blind indexes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.fields import EncryptedTextField
from grassroots.core.ids import new_id
from grassroots.core.time import now


class HouseType(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    SHOP = "shop", _("商铺")
    OFFICE = "office", _("办公")
    FACTORY = "factory", _("厂房仓库")
    PUBLIC = "public", _("公共设施")
    OTHER = "other", _("其他")


class House(models.Model):
    """实有房屋. The door number (门牌号) is road + number, then building, unit and room where they exist."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    region = models.ForeignKey("areas.Region", verbose_name=_("网格"), on_delete=models.PROTECT)
    road = models.CharField(_("街路巷"), max_length=60)
    number = models.CharField(_("门牌号"), max_length=20)
    building = models.CharField(_("楼栋"), max_length=20, blank=True)
    unit = models.CharField(_("单元"), max_length=20, blank=True)
    room = models.CharField(_("室"), max_length=20, blank=True)
    door_number = models.CharField(_("完整门牌"), max_length=160, db_index=True, editable=False)
    house_type = models.CharField(_("类型"), max_length=20, choices=HouseType.choices, default=HouseType.RESIDENTIAL)
    is_rental = models.BooleanField(_("出租屋"), default=False)
    area_m2 = models.DecimalField(_("面积（㎡）"), max_digits=9, decimal_places=2, null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)  # optimistic concurrency

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        constraints = [models.UniqueConstraint(fields=["door_number"], name="uniq_door_number")]

    def __str__(self) -> str:
        return self.door_number

    @staticmethod
    def compose_door_number(road: str, number: str, building: str = "", unit: str = "", room: str = "") -> str:
        parts = [road.strip(), number.strip()]
        parts += [f"{building.strip()}" if building else "", f"{unit.strip()}" if unit else "", room.strip()]
        return "".join(p for p in parts if p)


class Household(models.Model):
    class Kind(models.TextChoices):
        FAMILY = "family", _("家庭户")
        COLLECTIVE = "collective", _("集体户")

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    house = models.ForeignKey(House, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="households")
    kind = models.CharField(_("户别"), max_length=20, choices=Kind.choices, default=Kind.FAMILY)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return f"户 {self.pk}"


class Residence(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    FLOATING = "floating", _("流动人口")
    FOREIGN = "foreign", _("境外人员")


class PersonStatus(models.TextChoices):
    """Whether the person still lives in the area. Only ACTIVE people count as resident population."""

    ACTIVE = "active", _("在册")
    MOVED_OUT = "moved_out", _("已迁出")
    DECEASED = "deceased", _("已死亡")


class Person(models.Model):
    """实有人口. PII is sealed per row; birth date and sex are derived from the ID number (collect once).

    Each *_bidx column is declared before its encrypted field: assigning the field fills the index, and
    Model.__init__ sets fields in declaration order, so the default must not come second and erase it.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    region = models.ForeignKey("areas.Region", verbose_name=_("网格"), on_delete=models.PROTECT)
    name_bidx = models.CharField(max_length=32, db_index=True, editable=False)
    name = EncryptedTextField(_("姓名"), blind_index="name")
    id_number_bidx = models.CharField(max_length=32, unique=True, editable=False)
    id_number = EncryptedTextField(_("身份证号"), blind_index="id_number")
    phone_bidx = models.CharField(max_length=32, db_index=True, blank=True, null=True, editable=False)
    phone = EncryptedTextField(_("联系电话"), blank=True, blind_index="phone")
    birth_date = models.DateField(_("出生日期"))
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    residence = models.CharField(_("人口类型"), max_length=20, choices=Residence.choices, default=Residence.REGISTERED)
    household = models.ForeignKey(
        Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_household_head = models.BooleanField(_("户主"), default=False)
    house = models.ForeignKey(
        House, verbose_name=_("居住房屋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    # A resident's login, linked once staff have checked the person in front of them (实名核验).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("居民账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE, db_index=True
    )
    status_date = models.DateField(_("迁出或死亡日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return f"人员 {self.pk}"  # never the name: str() ends up in logs and admin pages


class ChangeKind(models.TextChoices):
    EDITED = "edited", _("信息更正")
    PHONE = "phone", _("更换电话")
    MOVED_IN = "moved_in", _("迁入")
    MOVED_HOUSE = "moved_house", _("更换住房")
    HOUSEHOLD = "household", _("更换户")
    MOVED_OUT = "moved_out", _("迁出")
    DIED = "died", _("死亡")


class PersonChange(models.Model):
    """One entry of a person's change history (变更记录). Field names and non-personal facts (residence type,
    status, house and household ids) are plain; before/after values of personal fields are sealed like the
    person's own columns, and every display masks them by the viewer's role (registry/history.py)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("变更类型"), max_length=20, choices=ChangeKind.choices)
    at = models.DateTimeField(_("时间"), default=now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    on_date = models.DateField(_("发生日期"), null=True, blank=True)
    fields = models.JSONField(_("变更字段"), default=list)
    facts = models.JSONField(_("变更内容"), default=dict)  # field → [before, after], non-personal only
    sealed = EncryptedTextField(_("个人信息变更"), blank=True)  # JSON field → [before, after], encrypted

    class Meta:
        verbose_name = _("人员变更记录")
        verbose_name_plural = _("人员变更记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类) most common in a city district."""

    MANUFACTURING = "C", _("制造业")
    CONSTRUCTION = "E", _("建筑业")
    RETAIL = "F", _("批发和零售业")
    TRANSPORT = "G", _("交通运输、仓储和邮政业")
    CATERING = "H", _("住宿和餐饮业")
    IT = "I", _("信息传输、软件和信息技术服务业")
    FINANCE = "J", _("金融业")
    REAL_ESTATE = "K", _("房地产业")
    BUSINESS = "L", _("租赁和商务服务业")
    RESIDENT_SERVICES = "O", _("居民服务、修理和其他服务业")
    EDUCATION = "P", _("教育")
    HEALTH = "Q", _("卫生和社会工作")
    CULTURE = "R", _("文化、体育和娱乐业")
    PUBLIC = "S", _("公共管理、社会保障和社会组织")


class LegalPerson(models.Model):
    """法人单位. The USCC and registered name are public registration facts, so they are not encrypted."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    region = models.ForeignKey("areas.Region", verbose_name=_("网格"), on_delete=models.PROTECT)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("地址"), max_length=200)
    industry = models.CharField(_("行业"), max_length=2, choices=Industry.choices)
    house = models.ForeignKey(House, verbose_name=_("所在房屋"), null=True, blank=True, on_delete=models.SET_NULL)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("法人单位")
        verbose_name_plural = _("法人单位")

    def __str__(self) -> str:
        return self.name


class TagTarget(models.TextChoices):
    PERSON = "person", _("人")
    HOUSE = "house", _("房")
    LEGAL_PERSON = "legal_person", _("法人")


class Tag(models.Model):
    """A configurable label such as 独居老人 or 危化企业; `applies_to` says whether it marks 人, 房 or 法人."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    applies_to = models.CharField(_("适用对象"), max_length=20, choices=TagTarget.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    color = models.CharField(_("颜色"), max_length=7, default="#1677ff")

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")

    def __str__(self) -> str:
        return self.name


class Tagging(models.Model):
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="taggings")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="taggings")
    house = models.ForeignKey(House, null=True, blank=True, on_delete=models.CASCADE, related_name="taggings")
    legal_person = models.ForeignKey(
        LegalPerson, null=True, blank=True, on_delete=models.CASCADE, related_name="taggings"
    )
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    tagged_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("标签记录")
        verbose_name_plural = _("标签记录")
        constraints = [
            models.CheckConstraint(
                name="tagging_one_target",
                condition=(
                    models.Q(person__isnull=False, house__isnull=True, legal_person__isnull=True)
                    | models.Q(person__isnull=True, house__isnull=False, legal_person__isnull=True)
                    | models.Q(person__isnull=True, house__isnull=True, legal_person__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["tag", "person"], name="uniq_tag_person"),
            models.UniqueConstraint(fields=["tag", "house"], name="uniq_tag_house"),
            models.UniqueConstraint(fields=["tag", "legal_person"], name="uniq_tag_legal_person"),
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} → {self.person_id or self.house_id or self.legal_person_id}"
