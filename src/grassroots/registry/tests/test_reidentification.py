"""Issue 11 item 1: no output a non-revealing role gets lets anyone rebuild an ID number.

The partial mask shows digits 1-6 and 15-18, hiding exactly the birth date (digits 7-14). The attack tried here:
pull every date-like string out of an output, splice it into the masked ID and check the GB 11643 check digit.
"""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from grassroots.conftest import PASSWORD
from grassroots.registry.identifiers import id_check_char

DATES = re.compile(r"(19|20)(\d\d)[-/.年]?(0[1-9]|1[0-2])[-/.月]?(0[1-9]|[12]\d|3[01])")


def rebuilt(masked: str, text: str) -> set[str]:
    """Every full ID the text reveals: masked prefix + a date found in the text + masked suffix, checksum valid."""
    found = set()
    for m in DATES.finditer(text):
        birth = "".join(m.groups())
        candidate = masked[:6] + birth + masked[-4:]
        if id_check_char(candidate[:17]) == candidate[-1]:
            found.add(candidate)
    return found


def _outputs(cast, client, api_client) -> dict[str, str]:
    api = api_client.as_user(cast.staff_s1)
    outputs = {
        "api list": api.get("/api/v1/registry/persons").content.decode(),
        "api detail": api.get(f"/api/v1/registry/persons/{cast.p1.pk}").content.decode(),
        "csv": api.get("/api/v1/registry/export/persons?fmt=csv").content.decode("utf-8-sig"),
    }
    sheet = load_workbook(io.BytesIO(api.get("/api/v1/registry/export/persons?fmt=xlsx").content)).active
    outputs["xlsx"] = "\n".join(" ".join(str(v) for v in row) for row in sheet.iter_rows(values_only=True))
    client.post("/accounts/login/", {"username": "staff_s1", "password": PASSWORD})
    outputs["page list"] = client.get("/registry/persons/").content.decode()
    outputs["page detail"] = client.get(f"/registry/persons/{cast.p1.pk}/").content.decode()
    return outputs


def test_the_attack_works_when_the_birth_date_is_shown(cast):
    masked = cast.p1.id_number[:6] + "********" + cast.p1.id_number[-4:]
    assert rebuilt(masked, f"出生日期 {cast.p1.birth_date:%Y-%m-%d}") == {cast.p1.id_number}


def test_no_output_of_a_non_revealing_role_rebuilds_an_id(cast, client, api_client):
    for name, text in _outputs(cast, client, api_client).items():
        assert cast.p1.id_number not in text, name
        masked = cast.p1.id_number[:6] + "********" + cast.p1.id_number[-4:]
        assert f"{cast.p1.id_number[:6]}" in text or name.startswith("page"), name  # the masked ID is there…
        assert rebuilt(masked, text) == set(), name  # …but nothing beside it completes it
        assert str(cast.p1.birth_date.year) in text, name  # the birth year is kept for staff work


def test_a_sharing_grant_row_does_not_complete_the_masked_id(cast):
    from grassroots.core.masking import mask_id_number
    from grassroots.sharing.sources import SOURCES

    source = SOURCES["registry.persons"]
    assert {f.name for f in source.fields} & {"birth_date", "birth"} == set()
    row = source.row(source.query(cast.D.path, None, None).get(pk=cast.p1.pk))
    row["id_number"] = mask_id_number(row["id_number"])  # the least a grant masks a 核心 field to
    text = " ".join(str(v) for v in row.values())
    assert rebuilt(row["id_number"], text) == set() and str(cast.p1.birth_date.year) in text
