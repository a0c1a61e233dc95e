"""The default category tree and responsibility list, edited afterwards by each district.

Used by the data migration, and by tests whose transactional flush removes migration data.
"""

# (code, name, allow_anonymous, [(leaf code, leaf name)]), national-style top levels.
TREE = [
    (
        "city_management",
        "城市管理",
        True,
        [
            ("street_vending", "占道经营"),
            ("illegal_construction", "违章搭建"),
            ("graffiti_ads", "乱贴乱画小广告"),
            ("bike_parking", "共享单车乱停放"),
            ("illegal_parking", "违规停车"),
        ],
    ),
    (
        "sanitation",
        "环境卫生",
        True,
        [
            ("garbage", "垃圾清运"),
            ("sewage", "污水外溢"),
            ("noise", "噪声扰民"),
            ("cooking_fumes", "餐饮油烟"),
            ("dirty_spots", "卫生死角"),
        ],
    ),
    (
        "municipal",
        "市政设施",
        True,
        [
            ("road_damage", "道路破损"),
            ("streetlight", "路灯故障"),
            ("manhole", "井盖缺失破损"),
            ("water_supply", "供水停水"),
            ("heating", "供暖不热"),
            ("greening", "绿化养护"),
        ],
    ),
    (
        "disputes",
        "矛盾纠纷",
        False,
        [
            ("neighbour", "邻里纠纷"),
            ("property_mgmt", "物业纠纷"),
            ("wage_arrears", "拖欠工资"),
            ("tenancy", "房屋租赁纠纷"),
        ],
    ),
    (
        "safety",
        "安全隐患",
        True,
        [
            ("fire_hazard", "消防隐患"),
            ("ebike_charging", "电动车违规充电"),
            ("building_safety", "房屋安全"),
            ("gas", "燃气隐患"),
            ("falling_objects", "高空坠物"),
        ],
    ),
    (
        "livelihood",
        "民生服务",
        False,
        [
            ("elderly_care", "养老服务"),
            ("social_assistance", "社会救助"),
            ("employment", "就业服务"),
            ("education", "教育入学"),
            ("health_services", "医疗卫生"),
            ("certificates", "证照办理"),
        ],
    ),
    ("other", "其他", False, []),
]
# Top level → (handling level, SLA working hours, warn hours). Safety is urgent: one working day.
RULES = {
    "city_management": (2, 35, 7),
    "sanitation": (3, 21, 7),
    "municipal": (2, 35, 7),
    "disputes": (3, 35, 7),
    "safety": (2, 7, 2),
    "livelihood": (3, 35, 7),
    "other": (3, 35, 7),
}


def seed(category_model, rule_model) -> None:
    """Idempotent: existing categories and rules are left as the district edited them.

    In the default tree the public-space tops are exactly those that accept anonymous reports. Migration 0002 runs
    with a historical model that has no `public_space` yet; migration 0006 then sets it by the same rule.
    """
    has_flag = any(f.name == "public_space" for f in category_model._meta.get_fields())
    for code, name, anonymous, leaves in TREE:
        flags = {"allow_anonymous": anonymous} | ({"public_space": anonymous} if has_flag else {})
        top, _ = category_model.objects.get_or_create(code=code, defaults={"name": name, **flags})
        for leaf_code, leaf_name in leaves:
            category_model.objects.get_or_create(code=leaf_code, defaults={"name": leaf_name, "parent": top, **flags})
        level, sla, warn = RULES[code]
        rule_model.objects.get_or_create(
            category=top, level=level, within=None, department=None, defaults={"sla_hours": sla, "warn_hours": warn}
        )
