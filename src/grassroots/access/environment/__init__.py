"""Access-matrix entries of the environment app, one module per concern, merged here."""

from __future__ import annotations

from grassroots.access.entry import Entry
from grassroots.access.environment.ingest import ENTRIES as INGEST
from grassroots.access.environment.lab import ENTRIES as LAB
from grassroots.access.environment.pages import ENTRIES as PAGES
from grassroots.access.environment.rules import ENTRIES as RULES
from grassroots.access.environment.standards import ENTRIES as STANDARDS

ENTRIES: dict[str, Entry] = {**INGEST, **LAB, **RULES, **STANDARDS, **PAGES}
