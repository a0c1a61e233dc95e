"""No plaintext ID numbers or phones on disk: the SQLite file (and its WAL) and a PostgreSQL dump."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from grassroots.conftest import Cast, valid_id

SECRETS = [valid_id(seq="123"), valid_id(seq="224"), "13812345678", "13900001111", "张三丰"]


@pytest.mark.django_db(transaction=True)
def test_the_database_files_hold_no_plaintext_pii():
    Cast()
    if connection.vendor == "sqlite":
        # TRUNCATE, not FULL: the file at rest is the database after a checkpoint. Older WAL frames may hold
        # pages from earlier tests that write the pre-encryption format on purpose (sharing's upgrade test).
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = connection.settings_dict["NAME"]
        blobs = b"".join(Path(p).read_bytes() for p in (path, f"{path}-wal") if os.path.exists(p))
        assert len(blobs) > 10_000, "the test database should be a file on disk"
    elif connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump is not installed")
        params = connection.get_connection_params()
        env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
        blobs = subprocess.run(
            [
                "pg_dump",
                "-h",
                params.get("host") or "127.0.0.1",
                "-p",
                str(params.get("port") or 5432),
                "-U",
                params.get("user") or "postgres",
                "-d",
                params["dbname"],
                "--data-only",
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=120,
        ).stdout
        assert b"registry_person" in blobs
    else:
        pytest.skip(f"no check for {connection.vendor}")
    for secret in SECRETS:
        assert secret.encode() not in blobs, f"{secret} found in plaintext"
        assert secret.encode("utf-16-le") not in blobs
