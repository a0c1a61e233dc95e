"""The access matrix: for every page and API operation, what each role gets, inside and outside its area.

Each entry names an endpoint ("page GET registry:person", "api POST /api/v1/cases/{case_id}/accept") and a rule
from access/rules.py; the full matrix is expanded from the rules, the permission table and the columns' grants.
The test (access/tests/test_access_matrix.py) sends every request and compares; a new endpoint without an entry
fails it. `python -m grassroots.access.matrix > docs/access-matrix.md` writes the expanded matrix.

Defaults: anonymous visitors sign in (pages) or get 401 (API) unless public; residents go to the portal.
"""

from __future__ import annotations

from grassroots.access.entry import (
    CASE_SEEN,
    NOTE,
    OPEN311,
    REASON,
    UPLOAD,
    E,
    Entry,
    R,
    V,
    X,
    page,
    perms_of,
    provider_or_reviewer,
    public,
    signed_in,
)
from grassroots.access.environment import ENTRIES as ENVIRONMENT
from grassroots.access.rules import (
    CASE_ROLES,
    CREATED,
    FORBIDDEN,
    FORM,
    LOGIN,
    NOT_FOUND,
    OK,
    REDIRECT,
    UNAUTHENTICATED,
    WRITE,
    any_perm,
    by_perm,
    by_perms,
    case_party,
    case_perm,
    case_rule,
    everyone,
    handles_case,
    one,
    override,
    own,
    record,
    share_rule,
    share_seen,
    staff,
)
from grassroots.accounts.roles import Perm

ENTRIES: dict[str, Entry] = {
    **ENVIRONMENT,  # the domain apps keep their entries in access/<app>/
    # Accounts and the site's own pages
    "page GET home": page(staff()),
    "page GET login": public(),
    "page POST login": public(FORM),
    "page POST logout": public(LOGIN),
    "page POST elder_mode": public(REDIRECT, body={"on": "1"}),
    "page GET tokens": page(staff()),
    "page POST tokens": page(staff(FORM), body={"name": "矩阵"}),
    "api GET /api/v1/accounts/me": Entry(signed_in()),
    "api GET /api/v1/accounts/tokens": Entry(signed_in()),
    "api POST /api/v1/accounts/tokens": Entry(signed_in(CREATED), body={"name": "矩阵"}),
    "api DELETE /api/v1/accounts/tokens/{token_id}": Entry(own()),
    # Regions
    "page GET areas:tree": page(by_perm(R)),
    "page GET areas:import": page(by_perm(Perm.IMPORT_REGIONS)),
    "page POST areas:import": page(by_perm(Perm.IMPORT_REGIONS, FORM)),
    "page GET areas:detail": page(record(R)),
    "page GET areas:children": page(record(R)),
    "page GET areas:counts": page(record(R)),
    "page GET areas:export": page(record(R)),
    "api GET /api/v1/regions/": Entry(by_perm(R)),
    "api GET /api/v1/regions/locate": Entry(signed_in(), query={"lng": "116.32", "lat": "39.85"}),
    "api POST /api/v1/regions/locate": Entry(signed_in(), body={"points": [{"lng": 116.32, "lat": 39.85}]}),
    "api POST /api/v1/regions/import": Entry(by_perm(Perm.IMPORT_REGIONS, WRITE)),
    "api GET /api/v1/regions/{region_id}": Entry(record(R)),
    "api GET /api/v1/regions/{region_id}/geojson": Entry(record(R)),
    # Registry
    "page GET registry:persons": page(by_perm(V)),
    "page GET registry:houses": page(by_perm(V)),
    "page GET registry:legal_persons": page(by_perm(V)),
    "page GET registry:person_new": page(by_perm(E)),
    "page POST registry:person_new": page(by_perm(E, FORM)),
    "page GET registry:house_new": page(by_perm(E)),
    "page POST registry:house_new": page(by_perm(E, FORM)),
    "page POST registry:person_search": page(by_perm(V), body={"name": "张三丰"}),
    "page POST registry:house_search": page(by_perm(V), body={"door": "银杏胡同"}),
    "page GET registry:person": page(record(V)),
    "page POST registry:person_reveal": page(record(V, Perm.REVEAL_PII), body={"field": "phone", "reason": REASON}),
    "page POST registry:person_tag": page(record(V, E), body={"tag": "{code}"}),
    "page POST registry:person_account": page(record(V, E), body={"username": "resident2"}),
    "page GET registry:house": page(record(V)),
    "page GET registry:legal_person": page(record(V)),
    "page GET registry:export": page(by_perm(Perm.EXPORT_REGISTRY), query={"fmt": "csv"}),
    # Registry editing (registry/edit_views.py, edit_api.py): seen through VIEW, changed only with EDIT over the grid.
    "page GET registry:person_edit": page(record(V, E)),
    "page POST registry:person_edit": page(record(V, E, FORM), body={"version": "1", "phone": "13600004444"}),
    "page POST registry:person_move": page(record(V, E, FORM), body={"version": "1", "door_number": "银杏胡同8号"}),
    "page POST registry:person_departure": page(record(V, E, FORM), body={"version": "1", "status": "moved_out"}),
    "page GET registry:person_history": page(record(V)),
    "page GET registry:house_edit": page(record(V, E)),
    "page POST registry:house_edit": page(
        record(V, E, FORM), body={"version": "1", "road": "银杏胡同", "number": "8号甲", "house_type": "residential"}
    ),
    "page GET registry:household_edit": page(record(V, E)),
    "page POST registry:household_edit": page(record(V, E, FORM), body={"version": "1", "kind": "collective"}),
    "page GET registry:legal_person_edit": page(record(V, E)),
    "page POST registry:legal_person_edit": page(
        record(V, E, FORM), body={"version": "1", "name": "测试饭馆", "address": "银杏胡同8号", "industry": "H"}
    ),
    "api PATCH /api/v1/registry/persons/{person_id}": Entry(
        record(V, E, WRITE), body={"version": 1, "phone": "13600004444"}
    ),
    "api POST /api/v1/registry/persons/{person_id}/move": Entry(
        record(V, E, WRITE), body={"version": 1, "house_id": "{house_id}"}
    ),
    "api POST /api/v1/registry/persons/{person_id}/departure": Entry(
        record(V, E, WRITE), body={"version": 1, "status": "moved_out"}
    ),
    "api GET /api/v1/registry/persons/{person_id}/history": Entry(record(V)),
    "api PATCH /api/v1/registry/houses/{house_id}": Entry(record(V, E, WRITE), body={"version": 1, "is_rental": True}),
    "api GET /api/v1/registry/households/{household_id}": Entry(record(V)),
    "api PATCH /api/v1/registry/households/{household_id}": Entry(
        record(V, E, WRITE), body={"version": 1, "kind": "collective"}
    ),
    "api PATCH /api/v1/registry/legal-persons/{entity_id}": Entry(
        record(V, E, WRITE), body={"version": 1, "name": "测试饭馆"}
    ),
    "api GET /api/v1/registry/persons": Entry(by_perm(V)),
    "api GET /api/v1/registry/houses": Entry(by_perm(V)),
    "api GET /api/v1/registry/legal-persons": Entry(by_perm(V)),
    "api POST /api/v1/registry/persons/search": Entry(by_perm(V), body={"name": "张三丰"}),
    "api POST /api/v1/registry/houses/search": Entry(by_perm(V), body={"door": "银杏胡同"}),
    "api GET /api/v1/registry/persons/{person_id}": Entry(record(V)),
    "api POST /api/v1/registry/persons/{person_id}/reveal": Entry(
        record(V, Perm.REVEAL_PII), body={"field": "phone", "reason": REASON}
    ),
    "api POST /api/v1/registry/persons/{person_id}/tags": Entry(record(V, E), body={"tag": "{code}"}),
    "api DELETE /api/v1/registry/persons/{person_id}/tags/{code}": Entry(record(V, E)),
    "api GET /api/v1/registry/houses/{house_id}": Entry(record(V)),
    "api GET /api/v1/registry/legal-persons/{entity_id}": Entry(record(V)),
    "api GET /api/v1/registry/counts": Entry(by_perm(V), query={"region": "{region_id}"}),
    "api GET /api/v1/registry/export/{kind}": Entry(by_perm(Perm.EXPORT_REGISTRY), query={"fmt": "csv"}),
    "api POST /api/v1/registry/persons": Entry(
        by_perm(E, CREATED),
        body={"region_id": "{region_id}", "name": "赵六", "id_number": "{id_number}", "phone": "13600003333"},
    ),
    "api POST /api/v1/registry/houses": Entry(
        by_perm(E, CREATED), body={"region_id": "{region_id}", "road": "银杏胡同", "number": "10号"}
    ),
    "api POST /api/v1/registry/legal-persons": Entry(
        by_perm(E, CREATED),
        body={
            "region_id": "{region_id}",
            "uscc": "{uscc}",
            "name": "便民超市",
            "address": "银杏胡同12号",
            "industry": "F",
        },
    ),  # fmt: skip
    # Notifications: one's own inbox and e-mail choices (under /cases/notifications/, their historical path)
    "page GET notifications:inbox": page(signed_in()),
    "page POST notifications:inbox": page(signed_in(REDIRECT)),
    "page GET notifications:channels": page(signed_in()),
    "page POST notifications:channels": page(signed_in(REDIRECT), body={"email:cases.progress": "on"}),
    "api GET /api/v1/cases/notifications": Entry(signed_in()),
    "api POST /api/v1/cases/notifications/{notification_id}/read": Entry(own()),
    "api GET /api/v1/cases/notifications/channels": Entry(signed_in()),
    "api PUT /api/v1/cases/notifications/channels": Entry(
        signed_in(), body={"choices": [{"topic": "cases.progress", "email": False}]}
    ),
    # Cases
    "page GET cases:workbench": page(any_perm(Perm.VIEW_CASES, Perm.HANDLE_CASES)),
    "page GET cases:new": page(by_perm(Perm.REPORT_CASES)),
    "page POST cases:new": page(by_perm(Perm.REPORT_CASES, FORM)),
    "page GET cases:routing": page(staff()),
    "page POST cases:routing": page(by_perm(Perm.MANAGE_ROUTING, REDIRECT)),
    "page GET cases:hotline": page(by_perm(Perm.REPORT_CASES)),
    "page POST cases:hotline": page(by_perm(Perm.REPORT_CASES, one(200, 400))),
    "page GET cases:detail": page(CASE_SEEN),
    "page GET cases:evidence": page(CASE_SEEN),  # a report photo; followers: cases/tests
    "page POST cases:act": page(case_rule(handles_case, REDIRECT)),
    "api GET /api/v1/cases/categories": Entry(signed_in()),
    "api GET /api/v1/cases/": Entry(any_perm(*CASE_ROLES)),
    "api POST /api/v1/cases/": Entry(
        by_perm(Perm.REPORT_CASES, CREATED),
        body={
            "title": "路灯不亮",
            "description": "银杏胡同口路灯连续三晚不亮",
            "category": "streetlight",
            "lng": 116.32,
            "lat": 39.85,
        },
    ),  # fmt: skip
    "api GET /api/v1/cases/duplicates": Entry(
        any_perm(*CASE_ROLES),
        query={"category": "street_vending", "lng": "116.32", "lat": "39.85"},
    ),
    "api POST /api/v1/cases/hotline-import": Entry(
        by_perms(Perm.REPORT_CASES, Perm.VIEW_CASES, inside=WRITE), body=UPLOAD
    ),
    "api GET /api/v1/cases/{case_id}": Entry(CASE_SEEN),
    "api POST /api/v1/cases/{case_id}/accept": Entry(case_rule(handles_case)),
    "api POST /api/v1/cases/{case_id}/return": Entry(
        case_rule(handles_case), body={"reason": "不属本单位职责", "likely_owner": "区市场监管局"}
    ),
    "api POST /api/v1/cases/{case_id}/progress": Entry(case_rule(handles_case), body=NOTE),
    "api POST /api/v1/cases/{case_id}/resolve": Entry(case_rule(handles_case), body=NOTE),
    "api POST /api/v1/cases/{case_id}/close-unfixed": Entry(
        case_rule(handles_case), body={"reason": "不具备条件", **NOTE}
    ),
    "api POST /api/v1/cases/{case_id}/refer": Entry(case_rule(handles_case), body={"body": "区城管执法局", **NOTE}),
    "api POST /api/v1/cases/{case_id}/reroute": Entry(
        case_rule(case_perm(Perm.ARBITRATE_CASES)), body={"region_id": "{region_id}", **NOTE}
    ),
    "api POST /api/v1/cases/{case_id}/arbitrate": Entry(
        case_rule(lambda c, f: case_perm(Perm.ARBITRATE_CASES)(c, f) and case_perm(Perm.SUPERVISE_CASES)(c, f)),
        body={"region_id": "{region_id}", **NOTE},
    ),
    "api POST /api/v1/cases/{case_id}/supervise": Entry(
        case_rule(case_perm(Perm.SUPERVISE_CASES)), body={"deadline": "2031-01-05T17:00:00+08:00", **NOTE}
    ),
    "api POST /api/v1/cases/{case_id}/reclassify": Entry(
        case_rule(lambda c, f: handles_case(c, f) or case_perm(Perm.ARBITRATE_CASES)(c, f)),
        body={"category": "illegal_parking"},
    ),
    "api POST /api/v1/cases/{case_id}/merge": Entry(
        case_rule(case_perm(Perm.ARBITRATE_CASES)),
        body={"primary_id": "{primary}", **NOTE},
        params={"primary": "second_case"},
    ),
    "api POST /api/v1/cases/{case_id}/rate": Entry(case_rule(case_party), body={"satisfied": True, "score": 5}),
    # Following needs a signed offer made to this user for this case (cases.duplicates); a forged one is refused.
    "api POST /api/v1/cases/follow": Entry(signed_in(FORBIDDEN), body={"offer": "forged"}),
    # The residents' portal: any signed-in user (staff are residents too); a case as the case rules say.
    "page GET portal:home": page(signed_in(), resident=OK),
    "page GET portal:report": page(signed_in(), resident=OK),
    "page POST portal:report": page(signed_in(FORM), resident=FORM),
    "page GET portal:boundaries": public(),
    "page GET portal:mine": page(signed_in(), resident=OK),
    "page GET portal:case": page(CASE_SEEN, resident=lambda v: OK if v == "in" else NOT_FOUND),
    "page POST portal:case": page(
        case_rule(lambda c, f: True, REDIRECT), resident=lambda v: REDIRECT if v == "in" else NOT_FOUND
    ),
    # 我也遇到 only through a signed offer to this user; a forged one is refused (portal/tests/test_exposure.py).
    "page POST portal:me_too": page(signed_in(REDIRECT), resident=REDIRECT, body={"offer": "forged"}),
    "page GET portal:me_too": page(everyone(one(405)), resident=one(405)),  # a POST with CSRF, never a GET link
    # Open311 GeoReport v2: public, published categories only
    "page GET /open311/v2/discovery.{fmt}": public(),
    "page GET /open311/v2/services.{fmt}": public(),
    "page GET /open311/v2/services/{code}.{fmt}": public(params=OPEN311),
    "page GET /open311/v2/requests.{fmt}": public(),
    "page POST /open311/v2/requests.{fmt}": public(FORBIDDEN),  # no api_key
    # The world's cases are real-name portal reports nobody agreed to publish: the public feed does not know them.
    "page GET /open311/v2/requests/{request_id}.{fmt}": public(NOT_FOUND, params=OPEN311),
    # A token answers only the key that filed it; without an api_key, nobody.
    "page GET /open311/v2/tokens/{token_id}.{fmt}": public(FORBIDDEN, params=OPEN311),
    # Audit
    "page GET audit:search": page(by_perm(Perm.AUDIT_LOG)),
    "page GET audit:proof": page(record(Perm.AUDIT_LOG)),
    "page GET audit:checkpoint": page(by_perm(Perm.AUDIT_LOG)),
    "page GET audit:checkpoints": page(by_perm(Perm.AUDIT_LOG)),
    "page GET audit:checkpoint_download": page(by_perm(Perm.AUDIT_LOG)),
    # Open data: public releases; publishing needs the permission
    "page GET open:releases": public(),
    "page GET open:release": public(),
    "page POST open:release": public(REDIRECT, body={"message": "希望增加按社区统计的数据"}),
    "page GET open:download": public(params={"fmt": "csv"}),
    "page GET open:publish": page(
        by_perm(Perm.PUBLISH_OPEN_DATA),
        resident=FORBIDDEN,
    ),  # fmt: skip
    "page POST open:publish": page(by_perm(Perm.PUBLISH_OPEN_DATA, FORM), resident=FORBIDDEN),
    "api GET /api/v1/sharing/releases": public(),
    # Data sharing between departments
    "page GET sharing:catalogue": page(staff()),
    "api GET /api/v1/sharing/catalogue": Entry(staff()),
    "page GET sharing:dataset": page(staff()),
    "page POST sharing:dataset": page(
        lambda c, v: REDIRECT if c.department == "cgw" and v == "in" or c.department == "mzj" else FORBIDDEN,
    ),  # fmt: skip
    "page GET sharing:dataset_new": page(
        by_perm(Perm.MANAGE_DATASETS),
    ),
    # The provider is a department: an administrator, who acts for none, is refused.
    "page POST sharing:dataset_new": page(override(by_perm(Perm.MANAGE_DATASETS, FORM), admin=FORBIDDEN)),
    # Grading a dataset's fields: its provider department; the dataset is seen by all staff, so others 403.
    "api POST /api/v1/sharing/datasets/{dataset_id}/grades": Entry(
        lambda c, v: WRITE if c.department == "cgw" and v == "in" or c.department == "mzj" else FORBIDDEN,
        body={"fields": {"name": {"sensitivity": "core", "pii_kind": "name"}}},
    ),
    "page POST sharing:submit": page(
        lambda c, v: REDIRECT if c.role is not None and Perm.REQUEST_DATA in perms_of(c) else FORBIDDEN,
    ),
    "page GET sharing:requests": page(
        any_perm(Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING),
    ),  # fmt: skip
    "page GET sharing:request": page(share_seen),
    "page POST sharing:decide": page(
        share_rule(None, Perm.REVIEW_SHARING, REDIRECT),
    ),
    "page GET sharing:grant": page(share_seen),
    "page POST sharing:grant": page(
        share_rule("consumer", Perm.REQUEST_DATA, REDIRECT),
        body={"action": "report"},
    ),  # fmt: skip
    "api GET /api/v1/sharing/requests": Entry(
        any_perm(Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING),
    ),
    # The consumer is a department: an administrator, who acts for none, is refused.
    "api POST /api/v1/sharing/requests": Entry(
        override(by_perm(Perm.REQUEST_DATA, WRITE), admin=FORBIDDEN),
        body={
            "dataset_id": "{dataset_id}",
            "consumer_id": "{consumer}",
            "purpose": "走访",
            "legal_basis": "条例",
            "fields": ["name"],
            "region_id": "{region_id}",
            "duration_days": 30,
        },
        params={"dataset_id": "dataset_in", "consumer": "my_department", "region_id": "s1"},
    ),  # fmt: skip
    "api POST /api/v1/sharing/requests/{request_id}/compliance": Entry(
        share_rule(None, Perm.REVIEW_SHARING),
        body={"approve": True},
    ),
    "api POST /api/v1/sharing/requests/{request_id}/decision": Entry(
        share_rule("provider", Perm.MANAGE_DATASETS),
        body={"approve": False, "reasons": "数据不全"},
    ),
    "api POST /api/v1/sharing/requests/{request_id}/withdraw": Entry(share_rule("consumer", Perm.REQUEST_DATA)),
    "api GET /api/v1/sharing/grants": Entry(
        any_perm(Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING),
    ),
    "api POST /api/v1/sharing/grants/{grant_id}/key": Entry(share_rule("consumer", Perm.REQUEST_DATA)),
    "api POST /api/v1/sharing/grants/{grant_id}/revoke": Entry(provider_or_reviewer, body={"reason": "项目结束"}),
    "api POST /api/v1/sharing/grants/{grant_id}/errors": Entry(
        share_rule("consumer", Perm.REQUEST_DATA),
        body={"record_ref": "G1", "description": "人口数与台账不符"},
    ),
    "api GET /api/v1/sharing/errors": Entry(
        any_perm(Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING),
    ),
    "api POST /api/v1/sharing/errors/{report_id}/answer": Entry(
        share_rule("provider", Perm.MANAGE_DATASETS),
        body={"answer": "已核对更正", "corrected": True},
    ),
    # The data itself answers to a grant's key (X-Share-Key), never to a user's token.
    "api GET /api/v1/sharing/data": Entry(everyone(UNAUTHENTICATED)),
    # Risk warnings
    "page GET risk:warnings": page(by_perm(X)),
    "page GET risk:warning": page(record(X)),
    "page POST risk:warning": page(record(X, Perm.HANDLE_WARNINGS, REDIRECT), body={"action": "acknowledge"}),
    "page GET risk:rules": page(by_perm(Perm.HANDLE_WARNINGS)),
    "page POST risk:rules": page(by_perm(Perm.MANAGE_RISK_RULES, REDIRECT)),
    "page GET risk:subscriptions": page(by_perm(X)),
    "page POST risk:subscriptions": page(by_perm(X, REDIRECT)),
    "page GET risk:baseline": page(by_perm(X)),
    "page GET risk:drivers": page(by_perm(X)),
    "api GET /api/v1/risk/warnings": Entry(by_perm(X)),
    "api POST /api/v1/risk/warnings/{warning_id}/acknowledge": Entry(record(X, Perm.HANDLE_WARNINGS, WRITE)),
    "api POST /api/v1/risk/warnings/{warning_id}/close": Entry(
        record(X, Perm.HANDLE_WARNINGS, WRITE), body={"disposition": "handled", "note": "已现场处置完毕"}
    ),
    "api POST /api/v1/risk/signals": Entry(
        by_perm(Perm.HANDLE_WARNINGS, CREATED),
        body={"domain": "environment", "region_id": "{region_id}", "kind": "pm25", "value": 120, "severity": 1},
    ),
    # The leaders' cockpit
    "page GET cockpit:cockpit": page(by_perm(Perm.VIEW_COCKPIT)),
    "page GET cockpit:panel": page(by_perm(Perm.VIEW_COCKPIT)),
}


def _main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    django.setup()
    from grassroots.access.expand import markdown

    print(markdown(), end="")


if __name__ == "__main__":
    _main()
