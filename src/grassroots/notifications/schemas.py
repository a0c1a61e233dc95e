import datetime as dt

from ninja import Field, Schema

from grassroots.notifications.topics import topics


class NotificationOut(Schema):
    id: int
    message: str
    topic: str
    ref: str  # what it is about, e.g. a case number
    link: str  # the site path where to act
    created_at: dt.datetime
    read_at: dt.datetime | None


class ChannelOut(Schema):
    topic: str
    label: str
    email: bool
    in_app: bool  # always true: the in-app notice is the record and cannot be turned off
    default: bool  # no choice saved: the topic's default applies


def _registered_topics(schema: dict) -> None:
    # Apps register their topics at start-up, after this class exists: the list is read when the OpenAPI is built.
    schema["enum"] = [t.code for t in topics()]


class ChannelIn(Schema):
    topic: str = Field(max_length=40, json_schema_extra=_registered_topics)
    email: bool = Field(..., strict=True)


class ChannelsIn(Schema):
    choices: list[ChannelIn] = Field(max_length=100)
