from datetime import datetime

from ninja import Field, Schema


class GrantOut(Schema):
    role: str
    role_label: str
    region_path: str


class MeOut(Schema):
    username: str
    display_name: str
    grants: list[GrantOut]


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssuedOut(TokenOut):
    token: str
