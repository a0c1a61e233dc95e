"""Uploaded tables are encrypted at rest like every other personal field (issue 11, low)."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grassroots.core import crypto
from grassroots.sharing import grants
from grassroots.sharing.models import ResourceRow
from grassroots.sharing.tests.test_catalogue import grade_all
from grassroots.sharing.tests.test_grants import ID1, ID3, grant_for, people_csv, upload

PLAINTEXTS = ("张三丰", "李四", ID1, ID3, "13812345678", "13900001111")
TABLE = ResourceRow._meta.db_table


def raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(TABLE)}")  # every column, as stored
        return cursor.fetchall()


def assert_no_plaintext(rows: list[tuple]) -> None:
    stored = " ".join(str(value) for row in rows for value in row)
    for text in PLAINTEXTS:  # as is, and as JSON escapes it ("\u5f20…")
        assert text not in stored and json.dumps(text)[1:-1] not in stored


def test_uploaded_rows_are_stored_encrypted_and_read_back_through_a_grant(share_cast):
    c = share_cast
    dataset = upload(c, people_csv())
    rows = raw_rows()
    assert len(rows) == 2
    assert_no_plaintext(rows)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, content FROM {TABLE}")
        sealed = dict(cursor.fetchall())
    assert all(token.startswith(f"{crypto.TOKEN_PREFIX}.") for token in sealed.values())
    # Bound to its row: a ciphertext copied onto another row does not open there.
    first, second = sorted(sealed)
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(sealed[first], table=TABLE, column="content", row_id=second)
    grade_all(c, dataset, 姓名="name", 身份证号="id_number", 电话="phone")
    grant, _key = grant_for(c, dataset)
    assert {r["区划代码"] for r in grants.fetch(grant, resource_id=None)["rows"]} == {"G1", "G3"}
    assert ResourceRow.objects.get(pk=first).data["区划代码"] in {"G1", "G3"}


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_encrypts_rows_stored_in_plaintext_and_can_be_taken_back(share_cast):
    c = share_cast
    upload(c, people_csv())
    before = {row.position: row.data for row in ResourceRow.objects.all()}
    previous, current = ("sharing", "0006_grant_suspension"), ("sharing", "0007_encrypt_uploaded_rows")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([previous])  # as an older release stored them: plain JSON in `data`
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT data FROM {TABLE}")
            assert any(ID1 in str(value) for (value,) in cursor.fetchall())
    finally:
        executor.loader.build_graph()
        executor.migrate([current])
    rows = raw_rows()
    assert len(rows) == 2
    assert_no_plaintext(rows)
    assert {row.position: row.data for row in ResourceRow.objects.all()} == before
