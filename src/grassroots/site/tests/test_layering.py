"""The layer contracts of pyproject.toml ([tool.importlinter], docs/architecture.md) hold, and they bite.

`make lint` runs `lint-imports` on the same contracts; this runs them in the suite too, and shows on a graph
with one import added that an upward import, a cycle between apps and an app without a layer each break them.
"""

from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract

PYPROJECT = Path(__file__).resolve().parents[4] / "pyproject.toml"
CONTRACT_TYPES = {c.type_name: c for c in (LayersContract, AcyclicSiblingsContract)}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("grassroots", cache_dir=None)


def broken(graph: grimp.ImportGraph) -> dict[str, list[str]]:
    """Contract id → what breaks it, for every contract of pyproject.toml that the graph breaks."""
    config = read_configuration(str(PYPROJECT))
    found = {}
    for options in config["contracts_options"]:
        contract = CONTRACT_TYPES[options["type"]](
            name=options["name"], session_options=config["session_options"], contract_options=options
        )
        check = contract.check(deepcopy(graph), verbose=False)
        if not check.kept:
            meta = check.metadata
            found[options["id"]] = sorted(
                [f"{d['importer']} -> {d['imported']}" for d in meta.get("invalid_dependencies", [])]
                + [f"{a} -> {b}" for pairs in meta.get("cycle_breakers_by_package", {}).values() for a, b in pairs]
                + [f"no layer: {m}" for m in meta.get("undeclared_modules", ())]
            )
    return found


def test_the_layer_contracts_hold(graph):
    assert broken(graph) == {}


def with_import(graph: grimp.ImportGraph, importer: str, imported: str) -> grimp.ImportGraph:
    changed = deepcopy(graph)
    assert importer in changed.modules and imported in changed.modules, (importer, imported)
    changed.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
    return changed


def test_an_upward_import_breaks_the_layers(graph):
    # accounts sits below areas inside layer 2: accounts → areas is upward, and so is core → accounts. Both
    # apps already import the lower one, so each also closes a cycle.
    assert broken(with_import(graph, "grassroots.core.pages", "grassroots.accounts.scope")) == {
        "layers": ["grassroots.core -> grassroots.accounts"],
        "acyclic": ["grassroots.core.pages -> grassroots.accounts.scope"],
    }
    assert broken(with_import(graph, "grassroots.accounts.services", "grassroots.areas.models")) == {
        "layers": ["grassroots.accounts -> grassroots.areas"],
        "acyclic": ["grassroots.accounts.services -> grassroots.areas.models"],
    }


def test_siblings_and_wiring_are_kept_apart(graph):
    assert broken(with_import(graph, "grassroots.risk.services", "grassroots.sharing.models")) == {
        "layers": ["grassroots.risk -> grassroots.sharing"]
    }
    # Project wiring may import every app, so no app may import it.
    wired = broken(with_import(graph, "grassroots.cases.intake", "grassroots.conftest"))
    assert "grassroots.cases -> grassroots.conftest" in wired["layers"]


def test_a_cycle_between_apps_breaks_both_contracts(graph):
    # risk reads stats; stats reaching back into risk closes a cycle.
    assert broken(with_import(graph, "grassroots.stats.queries", "grassroots.risk.models")) == {
        "layers": ["grassroots.stats -> grassroots.risk"],
        "acyclic": ["grassroots.stats.queries -> grassroots.risk.models"],
    }


def test_notifications_sits_below_cases_beside_registry(graph):
    changed = deepcopy(graph)
    assert "grassroots.notifications" in changed.modules and broken(changed) == {}
    changed.add_import(importer="grassroots.notifications", imported="grassroots.registry.models")
    changed.add_import(importer="grassroots.audit.services", imported="grassroots.notifications")
    assert broken(changed)["layers"] == [
        "grassroots.audit -> grassroots.notifications",
        "grassroots.notifications -> grassroots.registry",
    ]


def test_an_app_without_a_layer_breaks_the_layers(graph):
    changed = deepcopy(graph)
    changed.add_module("grassroots.newapp")
    assert broken(changed) == {"layers": ["no layer: grassroots.newapp"]}


def test_tests_may_build_worlds_from_any_app(graph):
    assert broken(with_import(graph, "grassroots.core.tests.test_masking", "grassroots.cases.models")) == {}
