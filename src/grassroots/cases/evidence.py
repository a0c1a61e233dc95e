"""Photos as evidence: checked to be real images of bounded size, stored once per case by content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from grassroots.cases.models import Case, CaseEvent, Evidence
from grassroots.core import uploads
from grassroots.core.errors import DomainError, ErrorCode

MAX_PHOTOS = 9
# File signatures (magic numbers): the declared content type and name are the client's word, not proof.
SIGNATURES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


@dataclass(frozen=True)
class Photo:
    name: str
    content: bytes


@dataclass(frozen=True)
class UploadedPhoto:
    """A photo from a form, not yet read: check_photos reads it, bounded, after the service checked permission."""

    file: Any  # a Django UploadedFile

    def read(self) -> Photo:
        return Photo(self.file.name, uploads.read_bounded(self.file, settings.CASE_MAX_PHOTO_BYTES))


def uploaded_photos(files: Sequence[Any]) -> list[UploadedPhoto]:
    return [UploadedPhoto(f) for f in files]


def sniff(content: bytes) -> tuple[str, str]:
    for magic, kind in SIGNATURES.items():
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp", "webp"
    raise DomainError(ErrorCode.INVALID_PHOTO, _("只能上传 JPEG、PNG 或 WebP 图片"))


def check_photos(photos: Sequence[Photo | UploadedPhoto]) -> list[tuple[Photo, str, str]]:
    """Validate all photos before anything is written; return them with their type and extension.
    Uploads are counted before any is read, and each is read at most to the size limit."""
    if len(photos) > MAX_PHOTOS:
        raise DomainError(ErrorCode.TOO_MANY_PHOTOS, _("最多上传 %(n)s 张照片") % {"n": MAX_PHOTOS})
    checked = []
    for item in photos:
        photo = item.read() if isinstance(item, UploadedPhoto) else item
        if len(photo.content) > settings.CASE_MAX_PHOTO_BYTES:
            raise DomainError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                _("照片 %(name)s 超过 %(mb)s MB")
                % {"name": photo.name, "mb": settings.CASE_MAX_PHOTO_BYTES // (1024 * 1024)},
            )
        if not photo.content:
            raise DomainError(ErrorCode.INVALID_PHOTO, _("照片 %(name)s 是空文件") % {"name": photo.name})
        checked.append((photo, *sniff(photo.content)))
    return checked


def attach(case: Case, photos: list[tuple[Photo, str, str]], *, stage: str, actor, event: CaseEvent | None) -> list:
    """Store each distinct photo once per case; a photo already attached is reused, not re-uploaded."""
    stored = []
    for photo, content_type, ext in photos:
        digest = hashlib.sha256(photo.content).hexdigest()
        existing = Evidence.objects.filter(case=case, sha256=digest).first()
        if existing:
            stored.append(existing)
            continue
        item = Evidence(
            case=case,
            event=event,
            stage=stage,
            sha256=digest,
            content_type=content_type,
            size=len(photo.content),
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        item.file.save(f"{case.number}-{digest[:12]}.{ext}", ContentFile(photo.content), save=False)
        item.save()
        stored.append(item)
    return stored
