"""The JSON API keeps its OpenAPI contract: schemathesis, every check, every operation, as staff and as a resident.

Runs in-process against the WSGI app on the test database (the shared cast). `make test` uses a small budget;
`make fuzz` sets GRASSROOTS_FUZZ_EXAMPLES higher. The counts (operations, failures by check) are printed.
"""

from __future__ import annotations

import collections
import os

import pytest

schemathesis = pytest.importorskip("schemathesis")

EXAMPLES = int(os.environ.get("GRASSROOTS_FUZZ_EXAMPLES", "5"))


# Schema-valid requests the server may still refuse with 400 because a rule depends on data OpenAPI cannot see:
# the database (a category code, a region that must be a grid, a point inside the district), a checksum
# (身份证号, 统一社会信用代码), a file's name or content, a door number after normalisation. Each is listed with
# its reason in docs/api.md; every other answer to schema-valid data must be 2xx, 401, 403, 404, 409 or 429.
ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]
DATA_RULES = {
    "POST /api/v1/cases/": [*ACCEPTED, "400"],  # category code, point inside the district or a known door
    "GET /api/v1/cases/duplicates": [*ACCEPTED, "400"],  # category code
    "POST /api/v1/cases/hotline-import": [*ACCEPTED, "400", "413"],  # a .csv/.xlsx file with the hotline columns
    "POST /api/v1/regions/import": [*ACCEPTED, "400", "413"],  # GeoJSON geometry and parent codes
    "POST /api/v1/registry/persons": [*ACCEPTED, "400"],  # ID checksum, region must be a grid, house in it
    "POST /api/v1/registry/houses": [*ACCEPTED, "400"],  # region must be a grid
    "POST /api/v1/registry/legal-persons": [*ACCEPTED, "400"],  # USCC checksum, region must be a grid
    "POST /api/v1/registry/houses/search": [*ACCEPTED, "400"],  # two characters left after normalisation
    "POST /api/v1/risk/signals": [*ACCEPTED, "400"],  # evidence links, occurred_at not in the future
    "POST /api/v1/environment/lab-imports": [*ACCEPTED, "400", "413"],  # a .csv/.xlsx with the lab columns
    # The standards calculators (docs/environment-standards.md "Errors"): rules between fields of one body.
    "POST /api/v1/environment/aqi": [*ACCEPTED, "400"],  # a pollutant; SO2 1 h or O3 8 h > 800 needs its fallback
    "POST /api/v1/environment/water-class": [*ACCEPTED, "400"],  # a parameter that applies to the water body
    "POST /api/v1/environment/noise": [*ACCEPTED, "400"],  # lmax only at night
    "POST /api/v1/environment/soil": [*ACCEPTED, "400"],  # at least one metal
    # environment stations: a point inside the district and the editor's area, the kind's own fields, a known firm
    "POST /api/v1/environment/stations": [*ACCEPTED, "400"],
    "PUT /api/v1/environment/stations/{station_id}": [*ACCEPTED, "400"],
    "GET /api/v1/environment/stations/{station_id}/series": [*ACCEPTED, "400"],  # zoned times, a bounded span
}
NETWORK_ONLY = ("max_redirects", "verify", "cert", "proxies")


def _in_process(transport):
    """schemathesis 4.32.5's `ignored_auth` probe hands network-only settings (max_redirects, …) to its WSGI
    client, which werkzeug rejects with a TypeError; in-process they mean nothing, so they are dropped."""
    send = transport.send

    def in_process_send(case, **kwargs):
        for name in NETWORK_ONLY:
            kwargs.pop(name, None)
        return send(case, **kwargs)

    return in_process_send


def _run(token: str) -> tuple[int, collections.Counter, list[str]]:
    from schemathesis import engine

    from grassroots.wsgi import application

    config = schemathesis.Config.from_dict(
        {
            "seed": 2026,
            "headers": {"Authorization": f"Bearer {token}"},
            "workers": 1,
            "generation": {"max-examples": EXAMPLES, "database": "none"},
            "operations": [
                {"include-name": name, "checks": {"positive_data_acceptance": {"expected-statuses": statuses}}}
                for name, statuses in DATA_RULES.items()
            ],
        }
    )
    config.projects.override.checks.update(included_check_names=["all"])
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)
    schema.transport.send = _in_process(schema.transport)
    try:
        return _collect(engine.from_schema(schema).execute())
    finally:
        del schema.transport.send  # the transport is shared: back to the class's method


def _collect(stream) -> tuple[int, collections.Counter, list[str]]:
    from schemathesis.engine import events

    operations: set[str] = set()
    failures: collections.Counter = collections.Counter()
    samples: list[str] = []
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            operations.add(event.recorder.label)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is not None:
                        failures[check.name] += 1
                        samples.append(_describe(check, event.recorder.interactions.get(case_id)))
        elif isinstance(event, events.NonFatalError | events.FatalError):
            samples.append(f"error {getattr(event, 'label', '')}: {getattr(event, 'value', event)}")
            failures["error"] += 1
    return len(operations), failures, samples


def _describe(check, interaction) -> str:
    failure = check.failure_info.failure
    line = f"{check.name} {failure.operation}: {failure.title}. {failure.message[:600]}"
    if interaction is not None and interaction.response is not None:
        answer, sent = interaction.response, interaction.request
        line += f"\n      sent {sent.method} {sent.uri} {(sent.body or b'')[:300]!r}"
        line += f"\n      got {answer.status_code} {(answer.content or b'')[:300]!r}"
    return line


@pytest.mark.parametrize("who", ["admin", "resident"])
def test_the_api_keeps_its_openapi_contract(cast, transactional_db, who, capsys):
    from grassroots.accounts.services import issue_api_token

    _, token = issue_api_token(getattr(cast, who), name="contract")
    tested, failures, samples = _run(token)
    with capsys.disabled():  # the counts are printed in every run, `make test` included, not only on failure
        print(f"\n[api contract as {who}] operations tested: {tested}; failures by check: {dict(failures) or 0}")
        for line in dict.fromkeys(samples):
            print("  ", line)
    assert tested > 0 and not failures


def test_schema_names_are_unique_across_apps():
    """OpenAPI components share one namespace: two schemas of the same class name would document one body with
    the other's fields (the accounts and sharing GrantOut did)."""
    from ninja import Schema

    from grassroots.api import api

    api.get_openapi_schema()  # imports every router's schemas
    seen: dict[str, str] = {}
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("grassroots."):
            other = seen.setdefault(cls.__name__, cls.__module__)
            assert other == cls.__module__, f"{cls.__name__} is defined in {other} and in {cls.__module__}"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_operation_documents_its_errors_with_the_error_body():
    from grassroots.api import api
    from grassroots.core.openapi import statuses_for

    schema = api.get_openapi_schema()
    assert "ErrorOut" in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            documented = {int(status) for status in operation["responses"]}
            assert statuses_for(method, operation) <= documented, f"{method} {path}"
            if operation.get("security"):
                assert {401, 403} <= documented, f"{method} {path}"
            for status in documented - {200, 201, 204}:
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorOut"}, f"{method} {path} {status}"


def test_the_rules_follow_what_an_operation_needs():
    from grassroots.core.openapi import statuses_for

    assert statuses_for("get", {}) == set()
    assert statuses_for("get", {"security": [{"ApiTokenAuth": []}]}) == {401, 403}
    assert statuses_for("get", {"parameters": [{"in": "path", "name": "case_id"}]}) == {404, 422}
    assert statuses_for("get", {"parameters": [{"in": "query", "name": "region"}]}) == {404, 422}
    assert statuses_for("get", {"parameters": [{"in": "query", "name": "limit"}]}) == {422}
    assert statuses_for("post", {"requestBody": {}}) == {400, 404, 409, 413, 422}
    assert statuses_for("delete", {}) == {400, 409}
