"""The observed properties the standards know, in their canonical units (HJ 633, GB 3838, GB 3096, GB 15618),
with the physically possible range a healthy sensor stays inside."""

from django.db import migrations

# code, name, unit, physical min, physical max
PROPERTIES = [
    ("pm25", "PM2.5", "µg/m³", 0, 2000),
    ("pm10", "PM10", "µg/m³", 0, 3000),
    ("so2", "二氧化硫", "µg/m³", 0, 10000),
    ("no2", "二氧化氮", "µg/m³", 0, 5000),
    ("co", "一氧化碳", "mg/m³", 0, 200),
    ("o3", "臭氧", "µg/m³", 0, 2000),
    ("ph", "pH", "无量纲", 0, 14),
    ("do", "溶解氧", "mg/L", 0, 25),
    ("codmn", "高锰酸盐指数", "mg/L", 0, 200),
    ("cod", "化学需氧量", "mg/L", 0, 10000),
    ("bod5", "五日生化需氧量", "mg/L", 0, 2000),
    ("nh3n", "氨氮", "mg/L", 0, 500),
    ("tp", "总磷", "mg/L", 0, 100),
    ("tn", "总氮", "mg/L", 0, 500),
    ("water_temp", "水温", "℃", -5, 45),
    ("leq", "等效声级 Leq", "dB(A)", 10, 150),
    ("lmax", "最大声级 Lmax", "dB(A)", 10, 160),
    ("soil_ph", "土壤 pH", "无量纲", 0, 14),
    ("cd", "镉", "mg/kg", 0, 10000),
    ("hg", "汞", "mg/kg", 0, 10000),
    ("as", "砷", "mg/kg", 0, 10000),
    ("pb", "铅", "mg/kg", 0, 100000),
    ("cr", "铬", "mg/kg", 0, 100000),
    ("cu", "铜", "mg/kg", 0, 100000),
    ("ni", "镍", "mg/kg", 0, 100000),
    ("zn", "锌", "mg/kg", 0, 100000),
    ("flow", "排放流量", "m³/h", 0, 100000),
    ("waste_load", "垃圾清运量", "t/d", 0, 100000),
]


def seed(apps, schema_editor):
    ObservedProperty = apps.get_model("environment", "ObservedProperty")
    for code, name, unit, low, high in PROPERTIES:
        ObservedProperty.objects.update_or_create(
            code=code, defaults={"name": name, "unit": unit, "physical_min": low, "physical_max": high}
        )


class Migration(migrations.Migration):
    dependencies = [("environment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
