"""Deployment defaults (issue 11 item 9): production unless development is asked for, and safe when it is.

The production settings are loaded in a subprocess, as a server would load them, since this test process runs
the development settings (settings_test.py).
"""

import base64
import ipaddress
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

import grassroots
from grassroots.conftest import PASSWORD

BACKEND = "django.contrib.auth.backends.ModelBackend"
PACKAGE = Path(grassroots.__file__).resolve().parent
PRODUCTION_PROBE = """
import json, django
from django.conf import settings
from django.core.management import call_command
django.setup()
call_command("check", deploy=True, fail_level="WARNING")
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "ALLOWED_HOSTS"]
print("SETTINGS=" + json.dumps({name: getattr(settings, name) for name in names}))
"""


def production_env(home: Path, **overrides: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRASSROOTS_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(PACKAGE.parent),
        DJANGO_SETTINGS_MODULE="grassroots.settings",
        GRASSROOTS_ENV="production",
        GRASSROOTS_HOME=str(home),
        GRASSROOTS_SECRET_KEY=secrets.token_urlsafe(50),
        GRASSROOTS_FIELD_KEYS="k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        GRASSROOTS_ACTIVE_FIELD_KEY="k1",
        GRASSROOTS_BLIND_INDEX_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        GRASSROOTS_ALLOWED_HOSTS="grassroots.example.gov.cn",
    )
    env.pop("DATABASE_URL", None)
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


def test_production_settings_pass_check_deploy_without_a_single_warning(tmp_path):
    done = run_python(PRODUCTION_PROBE, production_env(tmp_path, GRASSROOTS_TRUSTED_PROXIES="10.0.0.2"))
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout + done.stderr
    values = json.loads(done.stdout.split("SETTINGS=", 1)[1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_HSTS_PRELOAD"] is False  # the operator's explicit choice (GRASSROOTS_HSTS_PRELOAD)
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["ALLOWED_HOSTS"] == ["grassroots.example.gov.cn"]
    assert not (tmp_path / ".env").exists(), "production must never generate keys"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # GRASSROOTS_ENV unset means production, which never generates a missing key
        ({"GRASSROOTS_ENV": None, "GRASSROOTS_SECRET_KEY": None}, "GRASSROOTS_SECRET_KEY is not set"),
        ({"GRASSROOTS_FIELD_KEYS": None}, "GRASSROOTS_FIELD_KEYS is not set"),
        ({"GRASSROOTS_ALLOWED_HOSTS": "*"}, "GRASSROOTS_ALLOWED_HOSTS must list"),
        ({"GRASSROOTS_ALLOWED_HOSTS": None}, "GRASSROOTS_ALLOWED_HOSTS must list"),
        ({"GRASSROOTS_ENV": "staging"}, "GRASSROOTS_ENV must be"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(tmp_path, overrides, message):
    done = run_python("from django.conf import settings; settings.DEBUG", production_env(tmp_path, **overrides))
    assert done.returncode != 0 and message in done.stderr
    assert not (tmp_path / ".env").exists()


def test_production_believes_no_x_forwarded_proto_when_no_proxy_is_configured(tmp_path):
    probe = "import django; from django.conf import settings; print(repr(settings.SECURE_PROXY_SSL_HEADER))"
    done = run_python(probe, production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


def test_every_response_carries_the_security_headers(db, client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


PRODUCTION_LIKE = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


@override_settings(**PRODUCTION_LIKE, TRUSTED_PROXIES=[ipaddress.ip_network("10.0.0.0/30")])
def test_https_is_believed_from_the_trusted_proxy_only(cast, client):
    plain = client.get("/accounts/login/", REMOTE_ADDR="10.0.0.1")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    # A client talking to us directly cannot claim https with the proxy's header.
    spoofed = client.get("/accounts/login/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301
    proxied = client.get("/accounts/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    login = client.post(
        "/accounts/login/",
        {"username": "grid_g1", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert login.status_code == 302
    assert login.cookies["sessionid"]["secure"] and login.cookies["sessionid"]["httponly"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in PACKAGE.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            offenders += [f"{path.relative_to(PACKAGE)}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert not offenders, offenders


def test_the_report_form_locates_through_a_static_script(cast, client):
    client.force_login(cast.resident, backend=BACKEND)
    body = client.get("/portal/report/").content.decode()
    assert 'class="locate' in body and "onclick" not in body
    assert re.search(r'<script src="/static/grassroots/locate\.js" defer data-unsupported="[^"]+"', body)
    assert not INLINE_SCRIPT.search(body)
    assert (PACKAGE / "static" / "grassroots" / "locate.js").exists()


def test_htmx_is_configured_not_to_eval_or_inject_styles(db, client):
    body = client.get("/accounts/login/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body)
    assert config and json.loads(config.group(1)) == {"allowEval": False, "includeIndicatorStyles": False}


def test_the_api_docs_come_from_our_own_static_files(db, client):
    body = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert not re.search(r"(src|href)=\"(https?:)?//", body), "nothing from another site (no CDN)"
    assert not INLINE_SCRIPT.search(body)
