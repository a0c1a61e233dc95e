"""Standing check: every endpoint has an entry in the access matrix, and answers every role as it says.

One test per endpoint sends the request as every column (access/rules.py COLUMNS), about an object inside and
one outside the column's area, each request undone afterwards; the world is built once for the module.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from grassroots.access import endpoints
from grassroots.access.expand import expand, show, split, variants
from grassroots.access.matrix import ENTRIES
from grassroots.access.rules import BY_NAME, COLUMNS, DENIALS
from grassroots.access.tests import harness

HOW_TO_ADD = """
Every page and API operation needs an entry in src/grassroots/access/matrix.py ENTRIES, e.g.

    "page GET myapp:thing": page(record(Perm.VIEW_THING)),
    "api POST /api/v1/myapp/things/{thing_id}/close": Entry(record(Perm.VIEW_THING, Perm.CLOSE_THING, WRITE)),

(Entry, page and public from access/entry.py) with a rule from access/rules.py (by_perm, record, any_perm,
staff, everyone, own, case_rule, share_rule, or override for the columns that differ). A page key is the URL
name; list each method the view handles. A path parameter naming a record needs a value source in
access/tests/harness.py PARAMS (inside and outside).
Then regenerate docs/access-matrix.md: python -m grassroots.access.matrix > docs/access-matrix.md
"""


def page_paths() -> dict[str, str]:
    return {p.name: p.path for p in endpoints.pages()}


def path_of(key: str, paths: dict[str, str]) -> str:
    kind, _method, name = split(key)
    return paths[name] if kind == "page" else name


def test_every_endpoint_has_an_entry_and_every_entry_an_endpoint():
    paths = page_paths()
    pages_listed = {split(k)[2] for k in ENTRIES if k.startswith("page ")}
    ops_listed = {k for k in ENTRIES if k.startswith("api ")}
    missing = sorted(set(paths) - pages_listed) + sorted(set(endpoints.operations()) - ops_listed)
    stale = sorted(pages_listed - set(paths)) + sorted(ops_listed - set(endpoints.operations()))
    assert not missing, "Endpoints without an access-matrix entry:\n  " + "\n  ".join(missing) + HOW_TO_ADD
    assert not stale, "Access-matrix entries for endpoints that no longer exist:\n  " + "\n  ".join(stale)


def test_every_record_parameter_has_a_value_source():
    paths = page_paths()
    for key, entry in ENTRIES.items():
        for name in harness.placeholders(path_of(key, paths), entry.body, entry.query):
            assert entry.params.get(name, name) in harness.PARAMS, f"{key}: no value for {{{name}}}" + HOW_TO_ADD


def test_the_generated_document_is_current():
    from pathlib import Path

    from grassroots.access.expand import markdown

    doc = Path(__file__).resolve().parents[4] / "docs" / "access-matrix.md"
    assert doc.read_text(encoding="utf-8") == markdown(), (
        "docs/access-matrix.md is stale: python -m grassroots.access.matrix > docs/access-matrix.md"
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once; every test runs in a savepoint of this transaction, and every request in one of its own."""
    from grassroots.access.tests.world import build

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        built = build()
        built.clients = harness.clients(built, COLUMNS)
        yield built
        transaction.set_rollback(True)


def _table(rows: dict, names: list) -> str:
    width = max(len(c.name) for c in COLUMNS)
    lines = [f"{'column':{width}}  {'variant':7}  {'expected':22}  actual"]
    for (column, variant), (want, got) in rows.items():
        flag = "" if got in want else "   <-- differs"
        lines.append(f"{column:{width}}  {variant or '-':7}  {show(want):22}  {got}{flag}")
    return "\n".join(lines)


def _params(key):
    entry = ENTRIES[key]
    marks = [pytest.mark.xfail(strict=True, reason=entry.xfail)] if entry.xfail else []
    return pytest.param(key, marks=marks, id=key)


@pytest.mark.parametrize("key", [_params(k) for k in ENTRIES])
def test_endpoint_answers_every_role_as_the_matrix_says(world, db, key):
    entry = ENTRIES[key]
    kind, method, _name = split(key)
    path = path_of(key, page_paths())
    names = harness.placeholders(path, entry.body, entry.query)
    rows = {}
    for (column_name, variant), want in expand(key, entry, names).items():
        column = BY_NAME[column_name]
        values = harness.values_for(names, world, variant, column, entry.params)
        got = harness.send(
            kind,
            method,
            harness.subst(path, values),
            column=column,
            world=world,
            page_client=world.clients[column.name],
            body=harness.subst(entry.body, values),
            query=harness.subst(entry.query, values),
        )
        rows[(column_name, variant)] = (want, got)
    wrong = {cell: pair for cell, pair in rows.items() if pair[1] not in pair[0]}
    assert not wrong, f"{key} ({variants(entry, names)}):\n{_table(rows, names)}"
    for want, _got in rows.values():  # a denial is exact: never mixed with outcomes past the access check
        assert not (want & DENIALS) or len(want) == 1, f"{key}: a denial mixed with other outcomes: {show(want)}"
