import base64
import os

import pytest

from grassroots.core import crypto
from grassroots.core.crypto import CryptoError, KeyRing


def ring(active="k1", extra=None) -> KeyRing:
    keys = {"k1": base64.b64encode(os.urandom(32)).decode(), **(extra or {})}
    spec = ",".join(f"{k}:{v}" for k, v in keys.items())
    return KeyRing.parse(spec, active, base64.b64encode(os.urandom(32)).decode())


def test_it_round_trips_and_names_the_key():
    r = ring()
    token = crypto.encrypt("13812345678", table="t", column="phone", row_id=7, ring=r)
    assert token.startswith("gr1.k1.")
    assert "13812345678" not in token
    assert crypto.decrypt(token, table="t", column="phone", row_id=7, ring=r) == "13812345678"


def test_it_uses_a_fresh_nonce_per_value():
    r = ring()
    a = crypto.encrypt("same", table="t", column="c", row_id=1, ring=r)
    b = crypto.encrypt("same", table="t", column="c", row_id=1, ring=r)
    assert a != b


@pytest.mark.parametrize(
    "where",
    [
        {"table": "t", "column": "c", "row_id": 2},
        {"table": "t", "column": "other", "row_id": 1},
        {"table": "u", "column": "c", "row_id": 1},
    ],
)
def test_it_binds_ciphertext_to_table_column_and_row(where):
    r = ring()
    token = crypto.encrypt("secret", table="t", column="c", row_id=1, ring=r)
    with pytest.raises(CryptoError, match="failed authentication"):
        crypto.decrypt(token, ring=r, **where)


def test_it_detects_tampering():
    r = ring()
    token = crypto.encrypt("secret", table="t", column="c", row_id=1, ring=r)
    prefix, kid, body = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(CryptoError):
        crypto.decrypt(
            f"{prefix}.{kid}.{base64.urlsafe_b64encode(bytes(raw)).decode()}", table="t", column="c", row_id=1, ring=r
        )


def test_old_ciphertexts_stay_readable_after_a_new_key_becomes_active():
    old = ring()
    token = crypto.encrypt("secret", table="t", column="c", row_id=1, ring=old)
    new_key = base64.b64encode(os.urandom(32)).decode()
    spec = f"k1:{base64.b64encode(old.keys['k1']).decode()},k2:{new_key}"
    rotated = KeyRing.parse(spec, "k2", base64.b64encode(old.blind_key).decode())
    assert crypto.decrypt(token, table="t", column="c", row_id=1, ring=rotated) == "secret"
    assert crypto.encrypt("x", table="t", column="c", row_id=1, ring=rotated).startswith("gr1.k2.")


def test_it_refuses_an_unknown_key_id():
    token = crypto.encrypt("secret", table="t", column="c", row_id=1, ring=ring())
    other = KeyRing.parse(
        f"k9:{base64.b64encode(os.urandom(32)).decode()}", "k9", base64.b64encode(os.urandom(32)).decode()
    )
    with pytest.raises(CryptoError, match="unknown key"):
        crypto.decrypt(token, table="t", column="c", row_id=1, ring=other)


def test_it_rejects_a_misconfigured_key_ring():
    with pytest.raises(CryptoError, match="32-byte"):
        KeyRing.parse("k1:" + base64.b64encode(b"short").decode(), "k1", base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(CryptoError, match="active"):
        KeyRing.parse(
            "k1:" + base64.b64encode(os.urandom(32)).decode(), "k2", base64.b64encode(os.urandom(32)).decode()
        )


def test_blind_index_normalises_and_separates_purposes():
    r = ring()
    assert crypto.blind_index("138 1234 5678", purpose="phone", ring=r) == crypto.blind_index(
        "13812345678", purpose="phone", ring=r
    )
    assert crypto.blind_index("11010519491231002x", purpose="id_number", ring=r) == crypto.blind_index(
        "11010519491231002X", purpose="id_number", ring=r
    )
    assert crypto.blind_index("13812345678", purpose="phone", ring=r) != crypto.blind_index(
        "13812345678", purpose="name", ring=r
    )
    assert len(crypto.blind_index("x", purpose="name", ring=r)) == 32


def test_blind_index_depends_on_the_key():
    assert crypto.blind_index("张三", purpose="name", ring=ring()) != crypto.blind_index(
        "张三", purpose="name", ring=ring()
    )
