"""The one way to read an upload: bounded, so a file is never held in memory beyond the limit its use allows.

Django spools a large multipart file to a temporary file, whatever its size (DATA_UPLOAD_MAX_MEMORY_SIZE does
not cover files); `file.read()` would then pull all of it into memory. Callers check the permission first and
only then read, through `read_bounded` (whole content) or `stream_bounded` (chunks, e.g. to hash or store).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError, ErrorCode

CHUNK_BYTES = 64 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def too_large(file: object, limit: int) -> DomainError:
    name = str(getattr(file, "name", "") or "")[:100]
    values = {"name": name, "limit": filesizeformat(limit)}
    if name:
        return DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("文件“%(name)s”超过 %(limit)s 的上限") % values)
    return DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("上传内容超过 %(limit)s 的上限") % values)


def _check_size(file: object, limit: int) -> None:
    # Django's uploaded files know their size from the bytes received: refuse without reading at all.
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > limit:
        raise too_large(file, limit)


def read_bounded(file: Readable, limit: int) -> bytes:
    """The whole content if it is at most `limit` bytes, else 413. At most limit + 1 bytes are ever read."""
    _check_size(file, limit)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large(file, limit)
    return data


def stream_bounded(file: Readable, limit: int, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The content in chunks; 413 as soon as more than `limit` bytes have come, so the caller holds one chunk."""
    _check_size(file, limit)
    total = 0
    while chunk := file.read(min(chunk_bytes, limit + 1 - total)):
        total += len(chunk)
        if total > limit:
            raise too_large(file, limit)
        yield chunk
