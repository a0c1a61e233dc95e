"""`grassroots demo` (now the demo app's command): passwords generated once into .env, errors as CommandError."""

import pytest
from django.core.management import CommandError, call_command

from grassroots.core.envfile import read_env
from grassroots.demo.management.commands import demo as command


@pytest.fixture
def loads(monkeypatch, settings, tmp_path):
    settings.ENV_FILE = tmp_path / ".env"
    calls = []

    def fake_load(scale, *, seed, admin_password, staff_password, progress):
        calls.append((scale, seed, admin_password, staff_password))
        return {"people": 1}

    monkeypatch.setattr(command, "load", fake_load)
    return calls


def test_it_loads_with_passwords_kept_in_the_env_file(loads, settings, capsys):
    call_command("demo", "--scale", "small", "--seed", "7", "--quiet")
    call_command("demo", "--scale", "small", "--seed", "7", "--quiet")
    env = read_env(settings.ENV_FILE)
    admin_pw, staff_pw = env["GRASSROOTS_DEMO_ADMIN_PASSWORD"], env["GRASSROOTS_DEMO_STAFF_PASSWORD"]
    assert loads == [("small", 7, admin_pw, staff_pw)] * 2 and admin_pw != staff_pw
    assert f"admin / {admin_pw}" in capsys.readouterr().out


def test_a_refused_load_is_a_command_error(monkeypatch, settings, tmp_path):
    settings.ENV_FILE = tmp_path / ".env"

    def refuse(*args, **kwargs):
        raise ValueError("已加载 small 规模的演示数据")

    monkeypatch.setattr(command, "load", refuse)
    with pytest.raises(CommandError, match="已加载 small"):
        call_command("demo", "--quiet")
