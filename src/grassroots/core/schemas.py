"""The API's one error body, and a helper that documents an operation's 4xx responses with it."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: Any | None = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: ThingOut, **errors(400, 404)}` documents each listed status with the error schema."""
    return {status: ErrorOut for status in statuses}
