"""Schemas of the lab-result import API (names prefixed Lab…: OpenAPI components share one namespace)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

# An empty upload is no file at all to the server (422 "file: Field required").
LAB_FILE_BODY = {
    "requestBody": {"content": {"multipart/form-data": {"schema": {"properties": {"file": {"minLength": 1}}}}}}
}


class LabImportOut(Schema):
    id: int
    filename: str
    digest: str = Field(..., description="文件的 SHA-256；同一文件不能导入两次")
    rows: int = Field(..., description="写入的化验结果条数")
    created_at: datetime


class LabRowErrorOut(Schema):
    """One entry of an `import_failed` answer's `details`: the row as numbered in Excel (the header is row 1)."""

    row: int
    code: str
    message: str
