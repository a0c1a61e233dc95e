from datetime import datetime

from ninja import Field, Schema


class RoleGrantOut(Schema):
    """One role the user holds, and where. Not `GrantOut`: that is sharing's, and OpenAPI components share one
    namespace (a second class of the same name documented /accounts/me with the data-sharing grant's fields)."""

    role: str
    role_label: str
    region_path: str


class MeOut(Schema):
    username: str
    display_name: str
    grants: list[RoleGrantOut]


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
