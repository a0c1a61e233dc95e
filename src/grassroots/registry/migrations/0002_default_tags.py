"""The default tag vocabulary (configurable afterwards in the admin). Codes are stable identifiers."""

from django.db import migrations

DEFAULT_TAGS = [
    ("elderly-alone", "独居老人", "person", "65岁以上独自居住"),
    ("empty-nest", "空巢老人", "person", "同住者均为60岁以上老人"),
    ("disabled", "残疾人", "person", "持有残疾人证"),
    ("veteran", "退役军人", "person", ""),
    ("focus-youth", "重点青少年", "person", "需要关爱帮扶的青少年"),
    ("subsistence", "低保户", "person", "最低生活保障对象"),
    ("extreme-poverty", "特困人员", "person", ""),
    ("community-correction", "社区矫正对象", "person", ""),
    ("released-prisoner", "刑满释放人员", "person", ""),
    ("mental-disorder", "严重精神障碍患者", "person", "敏感信息，仅限授权人员"),
    ("rental", "出租屋", "house", "出租房屋"),
    ("group-rental", "群租房", "house", ""),
    ("dangerous-house", "危房", "house", ""),
    ("hazchem", "危化企业", "legal_person", "危险化学品生产、经营、储存单位"),
    ("catering", "餐饮单位", "legal_person", ""),
    ("nine-small", "九小场所", "legal_person", "小商店、小餐饮、小旅馆等"),
    ("fire-key-unit", "消防重点单位", "legal_person", ""),
]


def seed(apps, schema_editor):
    Tag = apps.get_model("registry", "Tag")
    for code, name, applies_to, description in DEFAULT_TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name, "applies_to": applies_to,
                                                      "description": description})


def unseed(apps, schema_editor):
    apps.get_model("registry", "Tag").objects.filter(code__in=[t[0] for t in DEFAULT_TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
