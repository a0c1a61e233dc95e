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

    config = schemathesis.Config()
    config.update(seed=2026, max_failures=None)
    project = config.projects.override
    project.update(headers={"Authorization": f"Bearer {token}"}, workers=1)
    project.checks.update(included_check_names=["all"])
    project.generation.update(max_examples=EXAMPLES, database="none")
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
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failures[check.name] += 1
                        failure = check.failure_info.failure
                        samples.append(f"{check.name} {failure.operation}: {failure.title} {failure.message[:1500]}")
        elif isinstance(event, events.NonFatalError | events.FatalError):
            samples.append(f"error {getattr(event, 'label', '')}: {getattr(event, 'value', event)}")
            failures["error"] += 1
    return len(operations), failures, samples


@pytest.mark.parametrize("who", ["admin", "resident"])
def test_the_api_keeps_its_openapi_contract(cast, transactional_db, who):
    from grassroots.accounts.services import issue_api_token

    _, token = issue_api_token(getattr(cast, who), name="contract")
    tested, failures, samples = _run(token)
    print(f"\n[api contract as {who}] operations tested: {tested}; failures by check: {dict(failures) or 0}")
    for line in dict.fromkeys(samples):
        print("  ", line)
    assert tested > 0 and not failures
