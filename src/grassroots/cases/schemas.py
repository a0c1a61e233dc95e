import datetime as dt

from ninja import Field, Schema

# POST /cases/hotline-import: an empty upload is no file at all to the server (422 "file: Field required").
NONEMPTY_FILE_BODY = {
    "requestBody": {"content": {"multipart/form-data": {"schema": {"properties": {"file": {"minLength": 1}}}}}}
}


class CaseIn(Schema):
    title: str = Field(..., min_length=2, max_length=80)
    description: str = Field(..., min_length=5, max_length=2000)
    category: str = Field("", description="类别编码；留空则自动分类")
    lng: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    crs: str = Field("wgs84", pattern="^(wgs84|gcj02)$")
    door_number: str = Field("", max_length=160)
    address: str = Field("", max_length=200)
    anonymous: bool = False
    channel: str = Field("api", pattern="^(api|portal|patrol|assisted)$")
    reporter_name: str = Field("", max_length=40)
    reporter_phone: str = Field("", max_length=20)
    photos: list[str] = Field(default_factory=list, max_length=9, description="base64 编码的 JPEG/PNG/WebP")
    public: bool = Field(
        False, description="反映人同意在公开渠道（Open311）展示：仅公共空间类别，只公开类别、状态和大致位置"
    )
    idempotency_key: str | None = Field(None, max_length=80)


class EventOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    from_status: str
    to_status: str
    note: str
    actor: str | None
    data: dict


class CaseOut(Schema):
    """`view` is "full" for staff in scope and the reporter; "follower" for a resident following someone else's
    case, who gets the public progress only: the personal and internal fields are empty or null."""

    id: str
    number: str
    title: str
    view: str = Field(..., pattern="^(full|follower)$")
    description: str
    category: str
    category_name: str
    category_confidence: float | None
    status: str
    status_label: str
    outcome: str
    outcome_label: str
    channel: str
    region_id: int
    grid: str
    lng: float | None
    lat: float | None
    address: str
    reporter_name: str | None
    reporter_phone: str | None
    reporter_door: str | None
    reporter_verified: bool | None
    anonymous: bool | None
    public: bool | None
    assisted_by: str | None
    owner: str
    owner_department: str | None
    due_at: dt.datetime
    overdue: bool
    supervised: bool | None
    return_count: int | None
    needs_arbitration: bool | None
    created_at: dt.datetime
    closed_at: dt.datetime | None
    photos: list[str]


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    can_handle: bool


class DuplicateOut(Schema):
    """A likely duplicate offered to "我也遇到": enough to recognise it, nothing about who reported it or where."""

    title: str
    category: str
    category_name: str
    status: str
    status_label: str
    distance_m: int = Field(..., description="约数，按 10 米取整，从公开的大致位置算起")
    followers: int
    offer: str = Field(..., description="关注凭证：仅限本人、仅限该事件，数分钟内有效；POST /cases/follow 使用")


class FollowIn(Schema):
    offer: str = Field(..., min_length=1, max_length=300)


class NoteIn(Schema):
    note: str = Field(..., min_length=2, max_length=2000)
    photos: list[str] = Field(default_factory=list, max_length=9)


class ProgressIn(NoteIn):
    percent: int | None = Field(None, ge=0, le=100)


class ReturnIn(Schema):
    reason: str = Field(..., min_length=2, max_length=500)
    likely_owner: str = Field(..., min_length=2, max_length=100)


class OwnerIn(Schema):
    department_id: int | None = None
    region_id: int | None = None
    note: str = Field("", max_length=500)


class CloseUnfixedIn(Schema):
    reason: str
    note: str = Field(..., min_length=2, max_length=500)
    planned_date: dt.date | None = None


class ReferIn(Schema):
    body: str = Field(..., min_length=2, max_length=100)
    note: str = Field(..., min_length=2, max_length=500)


class RateIn(Schema):
    satisfied: bool
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=300)


class MergeIn(Schema):
    primary_id: str
    note: str = Field("", max_length=500)


class SuperviseIn(Schema):
    deadline: dt.datetime
    note: str = Field(..., min_length=2, max_length=500)


class ReclassifyIn(Schema):
    category: str


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    allow_anonymous: bool
