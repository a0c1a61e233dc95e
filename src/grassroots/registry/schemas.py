import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from grassroots.registry.models import Household, HouseType, Industry, Residence

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
    status: str = Field("active", description="active（在册）、moved_out（已迁出）或 deceased（已死亡）")
    status_label: str = ""
    status_date: dt.date | None = None
    tags: list[str]
    is_demo: bool
    version: int = Field(1, description="修改时原样带回；记录已被他人修改时返回 409")


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
    version: int = 1


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
    version: int = 1


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


# A record id sent as a string (JavaScript cannot hold 64-bit integers): digits that fit a bigint.
RECORD_ID = r"^[1-9][0-9]{0,18}$"
# Vocabularies said in the schema, so a client knows the allowed values before it is refused.
Version = Annotated[int, Field(ge=1, description="the version the editor was shown")]
ResidenceCode = Literal[tuple(Residence.values)]  # type: ignore[valid-type]
HouseTypeCode = Literal[tuple(HouseType.values)]  # type: ignore[valid-type]
HouseholdKind = Literal[tuple(Household.Kind.values)]  # type: ignore[valid-type]
IndustryCode = Literal[tuple(Industry.values)]  # type: ignore[valid-type]


# Edits: every body carries the version the editor was shown; a field left out stays as it is.
class PersonEditIn(Schema):
    version: Version
    name: str | None = Field(None, min_length=1, max_length=40)
    phone: str | None = Field(None, max_length=20)
    residence: ResidenceCode | None = None


class PersonMoveIn(Schema):
    version: Version
    house_id: str | None = Field(None, pattern=RECORD_ID)
    household_id: str | None = Field(None, pattern=RECORD_ID)
    on_date: dt.date | None = None


class PersonDepartureIn(Schema):
    version: Version
    status: Literal["moved_out", "deceased"] = Field(..., description="moved_out（迁出本辖区）或 deceased（死亡）")
    on_date: dt.date | None = None


class ChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class PersonHistoryOut(Schema):
    id: str
    kind: str
    kind_label: str
    at: dt.datetime
    on_date: dt.date | None
    actor: str
    changes: list[ChangeOut]


class HouseEditIn(Schema):
    version: Version
    road: str | None = Field(None, min_length=1, max_length=60)
    number: str | None = Field(None, min_length=1, max_length=20)
    building: str | None = Field(None, max_length=20)
    unit: str | None = Field(None, max_length=20)
    room: str | None = Field(None, max_length=20)
    house_type: HouseTypeCode | None = None
    is_rental: bool | None = Field(None, strict=True)
    lng: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False, strict=True)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False, strict=True)


class HouseholdEditIn(Schema):
    version: Version
    kind: HouseholdKind | None = None
    head_id: str | None = Field(None, pattern=RECORD_ID)


class HouseholdOut(Schema):
    id: str
    house_id: str
    kind: str
    kind_label: str
    members: list[PersonOut]
    version: Version


class LegalPersonEditIn(Schema):
    version: Version
    name: str | None = Field(None, min_length=1, max_length=120)
    address: str | None = Field(None, min_length=1, max_length=200)
    industry: IndustryCode | None = None
