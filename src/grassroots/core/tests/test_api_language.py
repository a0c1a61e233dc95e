"""The API error envelope speaks the reader's language; its `code` never changes with it."""

from django.conf import settings

BACKEND = "django.contrib.auth.backends.ModelBackend"
TOO_DEEP = b"[" * 200_000  # a JSON body nested beyond the parser's depth: a 400 with a translated message


def test_the_same_bad_request_is_chinese_by_default_and_english_on_request(cast, api_client):
    client = api_client.as_user(cast.admin)
    default = client.post("/api/v1/regions/import", TOO_DEEP)
    english = client.post("/api/v1/regions/import", TOO_DEEP, headers={"Accept-Language": "en"})
    assert default.status_code == english.status_code == 400
    assert default.json()["code"] == english.json()["code"] == "invalid_input"
    assert default.json()["message"] == "JSON 嵌套过深"
    assert english.json()["message"] == "JSON is nested too deeply"


def test_a_logged_in_users_language_choice_applies_to_the_api_and_outlives_the_session(client, cast):
    client.force_login(cast.grid_g1, backend=BACKEND)
    assert client.get("/api/v1/regions/999999999").json()["message"] == "记录不存在或不在您的管辖范围内"
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    cookie = chosen.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 30 * 24 * 3600  # not a browser-session cookie
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    missing = client.get("/api/v1/regions/999999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert missing.json()["message"] == "No such record in your jurisdiction"
    # The choice wins over the browser's Accept-Language, for pages and API calls alike.
    again = client.get("/api/v1/regions/999999999", headers={"Accept-Language": "zh-Hans"})
    assert again.json()["message"] == "No such record in your jurisdiction"
