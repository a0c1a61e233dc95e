import datetime as dt

from ninja import Field, Schema


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


class ChannelIn(Schema):
    topic: str = Field(max_length=40)
    email: bool


class ChannelsIn(Schema):
    choices: list[ChannelIn] = Field(max_length=100)
