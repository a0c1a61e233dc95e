"""Synthetic Chinese names, roads and identifiers for the demo district (演示数据).

Everything here is invented: surnames follow their rough national frequency, given names are drawn from
common characters, roads are compounds that do not name real streets, and every ID number and USCC is
made with a valid check character (so the validators accept them) but random digits.
"""

from __future__ import annotations

import numpy as np

from grassroots.registry.identifiers import USCC_CHARS, id_check_char, uscc_check_char

# The most common surnames with approximate weights (per mille of the population).
SURNAMES = [
    "王72",
    "李71",
    "张68",
    "刘54",
    "陈47",
    "杨32",
    "黄23",
    "赵23",
    "吴21",
    "周21",
    "徐17",
    "孙16",
    "马15",
    "朱14",
    "胡13",
    "郭12",
    "何12",
    "高11",
    "林11",
    "罗11",
    "郑10",
    "梁10",
    "谢8",
    "宋8",
    "唐8",
    "许7",
    "韩7",
    "冯7",
    "邓7",
    "曹7",
    "彭7",
    "曾6",
    "肖6",
    "田6",
    "董6",
    "袁6",
    "潘5",
    "于5",
    "蒋5",
    "蔡5",
    "余5",
    "杜5",
    "叶5",
    "程5",
    "苏4",
    "魏4",
    "吕4",
    "丁4",
    "任4",
    "沈4",
    "姚4",
    "卢4",
    "姜4",
    "崔4",
    "钟3",
    "谭3",
    "陆3",
    "汪3",
    "范3",
    "金3",
    "石3",
    "廖3",
    "贾3",
    "夏3",
    "韦3",
    "付3",
    "方3",
    "白3",
    "邹3",
    "孟3",
    "熊3",
    "秦3",
    "邱3",
    "江3",
    "尹3",
    "薛2",
    "闫2",
    "段2",
    "雷2",
    "侯2",
    "龙2",
    "史2",
    "陶2",
    "黎2",
    "贺2",
    "顾2",
    "毛2",
    "郝2",
    "龚2",
    "邵2",
    "万2",
    "钱2",
    "欧阳1",
    "司马1",
    "上官1",
]
SURNAME_CHARS = [s.rstrip("0123456789") for s in SURNAMES]
SURNAME_WEIGHTS = np.array([int(s[len(c) :]) for s, c in zip(SURNAMES, SURNAME_CHARS, strict=True)], float)
SURNAME_WEIGHTS /= SURNAME_WEIGHTS.sum()
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅琳建国志文辉海波宁晨浩然子轩梓涵一诺欣怡"
    "雨泽宇航思远佳琪嘉怡俊杰婷婷家豪晓东春燕立新淑珍凤兰德福永刚宏伟丽娟秀英国庆建华"
)
ROAD_HEADS = "东西南北前后大小新老"
ROAD_CORES = [
    "槐树",
    "柳荫",
    "石碑",
    "银杏",
    "福祥",
    "安乐",
    "吉祥",
    "宝钞",
    "椿树",
    "织染",
    "炒豆",
    "香饵",
    "灯草",
    "帽儿",
    "雨儿",
    "菊儿",
    "秦老",
    "黑芝麻",
    "板厂",
    "鼓楼",
    "小经厂",
    "东棉花",
    "府学",
    "花园",
    "育群",
    "德胜",
    "和平",
    "兴华",
    "永安",
    "光明",
    "幸福",
    "民安",
    "崇德",
    "慈云",
    "文华",
]
ROAD_TAILS = ["胡同", "胡同", "胡同", "街", "巷", "里", "路"]
FIRM_WORDS = ["惠民", "康泰", "鑫源", "京华", "顺意", "益家", "同心", "瑞丰", "嘉禾", "宏达", "博雅", "锦程"]
FIRM_KINDS = {
    "H": ["餐馆", "小吃店", "面馆", "烤鸭店", "茶餐厅"],
    "F": ["便利店", "超市", "五金店", "水果店"],
    "O": ["理发店", "洗衣店", "家电维修部"],
    "I": ["科技有限公司", "信息技术有限公司"],
    "L": ["物业管理有限公司", "商务咨询有限公司"],
    "Q": ["社区卫生服务站", "诊所"],
    "P": ["培训学校"],
    "R": ["文化传媒有限公司"],
    "E": ["建筑装饰工程有限公司"],
    "K": ["房地产经纪有限公司"],
}
# Home provinces of the floating population (address codes of provincial capitals' districts).
OTHER_AREAS = ["130102", "410105", "370102", "140105", "210102", "340103", "420102", "510104", "230102", "150102"]


def person_name(rng: np.random.Generator) -> str:
    surname = SURNAME_CHARS[rng.choice(len(SURNAME_CHARS), p=SURNAME_WEIGHTS)]
    size = 1 if rng.random() < 0.3 else 2
    return surname + "".join(GIVEN_CHARS[i] for i in rng.integers(0, len(GIVEN_CHARS), size))


ORDINALS = "一二三四五六七八九十"


def road_names(rng: np.random.Generator, n: int, used: set[str]) -> list[str]:
    """n road names not in `used` (which is updated). When the compounds run out, add 一条, 二条 …"""
    names: list[str] = []
    attempts = 0
    while len(names) < n:
        core = ROAD_CORES[rng.integers(len(ROAD_CORES))]
        head = ROAD_HEADS[rng.integers(len(ROAD_HEADS))] if rng.random() < 0.5 else ""
        name = head + core + ROAD_TAILS[rng.integers(len(ROAD_TAILS))]
        attempts += 1
        if attempts > 30:
            ordinal = int(rng.integers(1, 100))
            tens, ones = divmod(ordinal, 10)
            number = (
                (ORDINALS[tens - 1] if tens > 1 else "") + ("十" if tens else "") + (ORDINALS[ones - 1] if ones else "")
            )
            name = head + core + number + "条"
        if name not in used:
            used.add(name)
            names.append(name)
            attempts = 0
    return names


def id_number(rng: np.random.Generator, area: str, birth_ordinal: int, male: bool) -> str:
    import datetime as dt

    birth = dt.date.fromordinal(birth_ordinal).strftime("%Y%m%d")
    seq = int(rng.integers(0, 500)) * 2 + (1 if male else 0)  # GB 11643 §5.3: odd for men
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def phone(rng: np.random.Generator) -> str:
    prefix = ["130", "131", "132", "135", "136", "138", "139", "150", "151", "155", "158", "177", "186", "188", "199"]
    return prefix[rng.integers(len(prefix))] + "".join(str(d) for d in rng.integers(0, 10, 8))


def uscc(rng: np.random.Generator, area: str = "110101") -> str:
    body = "".join(USCC_CHARS[i] for i in rng.integers(0, 31, 9))
    first17 = "91" + area + body
    return first17 + uscc_check_char(first17)


def firm_name(rng: np.random.Generator, industry: str) -> str:
    word = FIRM_WORDS[rng.integers(len(FIRM_WORDS))]
    kinds = FIRM_KINDS[industry]
    return f"北京{word}{kinds[rng.integers(len(kinds))]}"
