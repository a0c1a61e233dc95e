"""Access-matrix entries of the environment alerts, rules, maintenance tasks and the firm's page.

Alerts and tasks are seen with VIEW_ENVIRONMENT over their region (404 outside it) and handled with
HANDLE_ENV_ALERTS (403 for a viewer who may not); rules need MANAGE_ENVIRONMENT. The firm's page and the
rectification report belong to logins that are a firm's OperatorContact, which no matrix column is: every
column gets 403 (environment/tests/test_alerts_pages.py shows the firm's own way through).
"""

from __future__ import annotations

from grassroots.access.entry import Entry, page
from grassroots.access.rules import FORBIDDEN, FORM, REDIRECT, WRITE, by_perm, everyone, record
from grassroots.accounts.roles import Perm

V, H, M = Perm.VIEW_ENVIRONMENT, Perm.HANDLE_ENV_ALERTS, Perm.MANAGE_ENVIRONMENT
CLOSE = {"note": "矩阵测试关闭"}
# Braces doubled: a body's strings are str.format templates (access/tests/harness.py subst).
RULE = {"name": "矩阵规则", "kind": "threshold", "level": "2", "params": '{{"op": ">", "value": 1}}'}
FIRM_REPORT = {"alert": "{alert_id}", "text": "矩阵整改报告"}

ENTRIES: dict[str, Entry] = {
    "page GET environment:alerts": page(by_perm(V)),
    "page GET environment:alert": page(record(V)),
    "page POST environment:alert": page(record(V, H, REDIRECT), body={"action": "acknowledge"}),
    "page GET environment:rules": page(by_perm(M)),
    "page POST environment:rules": page(by_perm(M, FORM), body=RULE),
    "page GET environment:tasks": page(by_perm(V)),
    "page POST environment:task": page(record(V, H, REDIRECT), body=CLOSE),
    "page GET environment:firm": page(everyone(FORBIDDEN)),
    "page POST environment:firm": page(everyone(FORBIDDEN), body=FIRM_REPORT),
    "api GET /api/v1/environment/alerts": Entry(by_perm(V)),
    "api GET /api/v1/environment/alerts/{alert_id}": Entry(record(V)),
    "api POST /api/v1/environment/alerts/{alert_id}/acknowledge": Entry(record(V, H, WRITE), body={"note": ""}),
    "api POST /api/v1/environment/alerts/{alert_id}/close": Entry(record(V, H, WRITE), body=CLOSE),
    "api POST /api/v1/environment/alerts/{alert_id}/rectifications": Entry(
        everyone(FORBIDDEN), body={"text": "矩阵整改报告"}
    ),
    "api GET /api/v1/environment/rules": Entry(by_perm(M)),
    "api GET /api/v1/environment/tasks": Entry(by_perm(V)),
    "api POST /api/v1/environment/tasks/{task_id}/close": Entry(record(V, H, WRITE), body=CLOSE),
}
