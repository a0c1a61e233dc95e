"""Default warning rules (docs/environment-rules.md): standard exceedance for air, water, noise and soil, a COD
threshold at discharge outlets, a PM2.5 rate of change and seasonal anomaly, and the four sensor-health checks.
Districts edit them afterwards on the rules page; rules already there (by name) are left as they are."""

from django.db import migrations

# name, kind, station kind, property code, params, level (risk severity 1–4), open a case, case category
DEFAULTS = [
    # HJ 633-2012 Table 1: IAQI > 100 (the concentration above the level-2 breakpoint) is an exceedance.
    ("PM2.5 超标", "exceedance", "air", "pm25", {}, 2, False, ""),
    ("PM10 超标", "exceedance", "air", "pm10", {}, 2, False, ""),
    ("臭氧超标", "exceedance", "air", "o3", {}, 2, False, ""),
    # GB 3838-2002: a section worse than its target class; a drinking-water source is more serious.
    ("地表水劣于目标水质", "exceedance", "water", None, {}, 2, True, "sewage"),
    ("饮用水源劣于目标水质", "exceedance", "drinking_water", None, {}, 3, True, "sewage"),
    # GB 3096-2008 Table 1 by the point's functional zone, day or night; Lmax at night per §5.4.
    ("噪声超标", "exceedance", "noise", None, {}, 2, True, "noise"),
    # GB 15618-2018: above screening, monitor (Table 1); above intervention, strict control (Table 3).
    ("土壤超筛选值", "exceedance", "soil", None, {"level": "screening"}, 1, False, ""),
    ("土壤超管制值", "exceedance", "soil", None, {"level": "intervention"}, 3, True, "sanitation"),
    # GB 8978-1996 Table 4, first-class limit for COD of other dischargers: 100 mg/L.
    ("排污口 COD 超标", "threshold", "discharge", "cod", {"op": ">", "value": 100}, 3, True, "sewage"),
    ("PM2.5 骤升", "rate", "air", "pm25", {"delta": 50, "window_minutes": 60, "direction": "up"}, 1, False, ""),
    ("PM2.5 偏离季节基线", "seasonal", "air", "pm25", {"z": 3, "weeks": 4, "min_samples": 14, "by": "hour"}, 1, False, ""),
    ("设备数值平直", "health", "", None, {"check": "flatline", "window_minutes": 360, "epsilon": 0.001, "min_samples": 6}, 1, False, ""),
    ("设备数值卡滞", "health", "", None, {"check": "stuck", "repeats": 6}, 1, False, ""),
    ("设备数据中断", "health", "", None, {"check": "gap", "intervals": 3}, 1, False, ""),
    ("读数超出物理范围", "health", "", None, {"check": "range"}, 1, False, ""),
]  # fmt: skip


def seed(apps, schema_editor):
    Rule = apps.get_model("environment", "Rule")
    ObservedProperty = apps.get_model("environment", "ObservedProperty")
    for name, kind, station_kind, code, params, level, open_case, category in DEFAULTS:
        prop = ObservedProperty.objects.filter(code=code).first() if code else None
        Rule.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind, "station_kind": station_kind, "property": prop, "params": params, "level": level,
                "open_case": open_case, "case_category": category,
            },
        )  # fmt: skip


def unseed(apps, schema_editor):
    Rule = apps.get_model("environment", "Rule")
    Alert = apps.get_model("environment", "Alert")
    names = [row[0] for row in DEFAULTS]
    Rule.objects.filter(name__in=names).exclude(pk__in=Alert.objects.values("rule_id")).delete()


class Migration(migrations.Migration):
    dependencies = [("environment", "0003_aggregate_dirty")]  # after ingest's 0003, so the graph stays linear
    operations = [migrations.RunPython(seed, unseed)]
