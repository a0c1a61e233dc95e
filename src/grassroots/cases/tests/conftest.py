def report(**overrides):
    from grassroots.cases.intake import Report

    values = {
        "title": "楼道堆放杂物",
        "description": "3号楼楼道里堆满纸箱和旧家具，堵住了消防通道，存在火灾隐患",
        "category": "fire_hazard",
        "lng": 116.32,
        "lat": 39.85,
    }
    values.update(overrides)
    return Report(**values)
