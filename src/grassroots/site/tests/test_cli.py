import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from grassroots.conftest import Cast
from grassroots.core import crypto
from grassroots.registry.models import Person


def test_grassroots_help_lists_the_project_commands():
    out = subprocess.run(
        [sys.executable, "-m", "grassroots.cli", "--help"], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    for command in ("demo", "regions", "keys"):
        assert command in out


def test_each_project_command_comes_from_the_layer_that_owns_it():
    from django.core.management import get_commands

    owners = {name: get_commands()[name] for name in ("demo", "keys", "beat", "regions")}
    assert owners == {
        "demo": "grassroots.demo",  # loads every app's data: the top layer
        "keys": "grassroots.site",  # re-encrypts every app's columns and writes an audit row
        "beat": "grassroots.site",  # runs every app's periodic jobs
        "regions": "grassroots.areas",
    }


@pytest.fixture
def env_file(tmp_path, settings):
    path = tmp_path / ".env"
    path.write_text(
        f"GRASSROOTS_FIELD_KEYS={settings.FIELD_KEYS}\nGRASSROOTS_ACTIVE_FIELD_KEY={settings.ACTIVE_FIELD_KEY}\n"
    )
    settings.ENV_FILE = path
    # Registered with the fixture so the rotated keys are undone after the test.
    settings.FIELD_KEYS, settings.ACTIVE_FIELD_KEY = settings.FIELD_KEYS, settings.ACTIVE_FIELD_KEY
    return path


@pytest.mark.django_db
def test_keys_rotate_reencrypts_everything_and_data_stays_readable(env_file, capsys):
    cast = Cast()
    old_key = settings.ACTIVE_FIELD_KEY
    call_command("keys", "rotate", "--batch-size", "2")
    assert old_key != settings.ACTIVE_FIELD_KEY
    assert settings.ACTIVE_FIELD_KEY in env_file.read_text()
    for token in Person.objects.values_list("phone", flat=True):
        assert crypto.token_key_id(token) == settings.ACTIVE_FIELD_KEY
    assert Person.objects.get(pk=cast.p1.pk).phone == "13812345678"
    call_command("keys", "retire")
    assert old_key not in settings.FIELD_KEYS and old_key not in env_file.read_text()
    assert Person.objects.get(pk=cast.p1.pk).name == "张三丰"


@pytest.mark.django_db
def test_keys_add_stages_a_key_that_rotate_then_activates(env_file):
    old_key = settings.ACTIVE_FIELD_KEY
    call_command("keys", "add")
    assert old_key == settings.ACTIVE_FIELD_KEY and settings.FIELD_KEYS.count(":") == 2
    staged = settings.FIELD_KEYS.rsplit(",", 1)[1].split(":")[0]
    call_command("keys", "rotate")
    assert staged == settings.ACTIVE_FIELD_KEY


@pytest.mark.django_db
def test_regions_import_and_export_commands(tmp_path, capsys):
    import json

    from grassroots.conftest import TERRITORY

    src = tmp_path / "t.geojson"
    src.write_text(json.dumps(TERRITORY, ensure_ascii=False), encoding="utf-8")
    call_command("regions", "import", str(src))
    assert "新建 10" in capsys.readouterr().out
    out = tmp_path / "out.geojson"
    call_command("regions", "export", "--root", "S1", "-o", str(out))
    codes = sorted(f["properties"]["code"] for f in json.loads(out.read_text(encoding="utf-8"))["features"])
    assert codes == ["C1", "C2", "G1", "G2", "G3", "S1"]


@pytest.mark.django_db
def test_regions_import_reports_bad_features_and_fails(tmp_path):
    from django.core.management.base import CommandError

    src = tmp_path / "bad.geojson"
    src.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "X", '
        '"name": "x", "level": 4, "parent_code": "NOPE"}, "geometry": null}]}',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="#0: X：上级 NOPE 不存在"):
        call_command("regions", "import", str(src))


def test_the_admin_is_in_chinese_and_lists_the_configurable_models(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "事件类别" in page and "标签" in page and "区域" in page
    assert "/admin/cases/category/" in page
    assert "/admin/registry/person/" not in page  # people are never edited in the admin (no masking, no audit)
