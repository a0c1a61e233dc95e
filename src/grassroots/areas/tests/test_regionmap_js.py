"""The region map's tooltip escapes region names: ECharts puts a formatter's result into the page as HTML."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "grassroots" / "regionmap.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_tooltip_escapes_a_hostile_region_name():
    probe = (
        "global.window = {}; global.document = {addEventListener() {}};"
        f"require({json.dumps(str(SCRIPT))});"
        "process.stdout.write(window.GrassrootsRegionMap.tooltip("
        "'<img src=x onerror=alert(1)>一社区', '人口<script>', 12));"
    )
    out = subprocess.run(["node", "-e", probe], capture_output=True, text=True, check=True, timeout=30).stdout
    assert "<img" not in out and "<script" not in out
    assert out == "&lt;img src=x onerror=alert(1)&gt;一社区<br>人口&lt;script&gt;：12"
