import datetime as dt
from typing import Annotated

from ninja import Field, Schema

# The age filter of GET /registry/persons, bounded as queries.persons bounds it (400 outside 0–150 otherwise).
Age = Annotated[int | None, Field(ge=0, le=150)]


class PersonOut(Schema):
    id: str = Field(..., description="编号（字符串，避免 JavaScript 大整数精度丢失）")
    name: str | None
    id_number: str | None
    phone: str | None
    sex: str | None = Field(..., description="由身份证号推出，随身份证号一同脱敏")
    sex_label: str | None
    birth_date: dt.date | None = Field(..., description="仅在可查看完整身份证号时给出，否则为空")
    birth_year: int | None = Field(..., description="出生年份；身份证号完全隐藏时为空")
    residence: str
    residence_label: str
    region_id: int
    grid: str
    house_id: str | None
    door_number: str | None
    is_household_head: bool
    tags: list[str]
    is_demo: bool


class PersonIn(Schema):
    region_id: int
    name: str = Field(..., min_length=1, max_length=40)
    id_number: str = Field(..., min_length=15, max_length=20)
    phone: str = Field("", max_length=20)
    residence: str = "registered"
    house_id: str | None = None
    idempotency_key: str | None = Field(None, max_length=80)


class PersonSearchIn(Schema):
    """Search terms travel in a POST body, so they never reach a URL, a proxy's or the server's access log.
    At least one term is needed (the service answers 400 otherwise), which the schema says with anyOf."""

    model_config = {
        "json_schema_extra": {
            "anyOf": [
                {"required": [term], "properties": {term: {"minLength": 1}}} for term in ("id_number", "phone", "name")
            ]
        }
    }

    id_number: str = Field("", max_length=18)
    phone: str = Field("", max_length=20)
    name: str = Field("", max_length=40)


class HouseSearchIn(Schema):
    door: str = Field(..., min_length=2, max_length=160)


class RevealIn(Schema):
    field: str
    reason: str = Field(..., min_length=2, max_length=200)


class RevealOut(Schema):
    field: str
    value: str | None


class HouseOut(Schema):
    id: str
    door_number: str
    road: str
    number: str
    building: str
    unit: str
    room: str
    house_type: str
    house_type_label: str
    is_rental: bool
    region_id: int
    grid: str
    lng: float | None
    lat: float | None
    tags: list[str]
    is_demo: bool


class HouseDetailOut(HouseOut):
    residents: list[PersonOut]


class HouseIn(Schema):
    region_id: int
    road: str = Field(..., min_length=1, max_length=60)
    number: str = Field(..., min_length=1, max_length=20)
    building: str = Field("", max_length=20)
    unit: str = Field("", max_length=20)
    room: str = Field("", max_length=20)
    house_type: str = "residential"
    is_rental: bool = Field(False, strict=True)
    lng: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)


class LegalPersonOut(Schema):
    id: str
    uscc: str
    name: str
    address: str
    industry: str
    industry_label: str
    region_id: int
    grid: str
    tags: list[str]
    is_demo: bool


class LegalPersonIn(Schema):
    region_id: int
    uscc: str = Field(..., min_length=18, max_length=18)
    name: str = Field(..., min_length=1, max_length=120)
    address: str = Field(..., min_length=1, max_length=200)
    industry: str


class TagIn(Schema):
    tag: str
    note: str = Field("", max_length=200)


class RegionCountOut(Schema):
    region_id: int
    code: str
    name: str
    level: int
    persons: int
    houses: int
    rentals: int
    legal_persons: int
    tagged_persons: int
