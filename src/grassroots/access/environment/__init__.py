"""Access-matrix entries of the environment app, one module per concern, merged here."""

from __future__ import annotations

from grassroots.access.entry import Entry
from grassroots.access.environment.ingest import ENTRIES as INGEST

ENTRIES: dict[str, Entry] = {}
ENTRIES.update(INGEST)

from grassroots.access.environment.lab import ENTRIES as LAB  # noqa: E402

ENTRIES.update(LAB)

from grassroots.access.environment.standards import ENTRIES as STANDARDS  # noqa: E402

ENTRIES.update(STANDARDS)
