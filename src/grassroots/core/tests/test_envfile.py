"""The .env file holding the field keys is private to its owner from the moment it exists."""

import os
import stat

from grassroots.core import envfile


def test_the_env_file_is_created_owner_only_from_the_first_byte(tmp_path, monkeypatch):
    modes = []
    real_open = os.open

    def spy(path, flags, mode=0o777, *args, **kwargs):
        modes.append(mode)
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(envfile.os, "open", spy)
    envfile.write_env(tmp_path / ".env", {"A": "1"})
    assert modes == [0o600]
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600
