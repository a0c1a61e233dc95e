"""Chinese first, English complete: every UI string has an English translation, and pages switch."""

import re
from pathlib import Path

from grassroots.conftest import PASSWORD

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _entries(text: str):
    for block in text.split("\n\n"):
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', block.split("msgstr")[0], re.M))
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr", 1)[1])) if "msgstr" in block else ""
        if msgid:
            yield msgid, msgstr, "#, fuzzy" in block


def test_every_message_has_an_english_translation():
    entries = list(_entries(PO.read_text(encoding="utf-8")))
    assert len(entries) > 300
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


def test_pages_are_chinese_by_default_and_english_on_request(client, cast):
    assert "登录" in client.get("/accounts/login/").content.decode()
    page = client.get("/accounts/login/", headers={"Accept-Language": "en"}).content.decode()
    assert "Log in" in page and not CJK.search(page.split("<main>")[1].split("</main>")[0])


def test_the_language_switch_sticks_for_the_session(client, cast):
    client.post("/accounts/login/", {"username": "grid_g1", "password": PASSWORD})
    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    page = client.get("/cases/").content.decode()
    assert "Case workbench" in page and "Patrol report" in page


def test_a_bad_date_is_refused_in_the_readers_language(client, cast):
    client.post("/accounts/login/", {"username": "grid_g1", "password": PASSWORD})
    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    page = client.get("/cases/?received_from=2026-13-01")
    assert page.status_code == 400 and "Dates must be YYYY-MM-DD: 2026-13-01" in page.content.decode()
