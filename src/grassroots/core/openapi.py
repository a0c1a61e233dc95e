"""The 4xx responses of every API operation, added to the OpenAPI schema from what the operation needs.

The rules mirror the exception handlers in grassroots/api.py and the middleware in front of them, so what is
documented is what the server answers, and a new endpoint is covered without anyone editing its decorator:

- credentials required (the operation has `security`): 401 without them; 403 for a role or scope that may not
  act, a session without its CSRF token, an expired or suspended grant;
- any parameter or body: 422, the input does not match the schema (ninja's ValidationError);
- a path parameter, a query parameter naming a record (`region`, `parent`) or a body sent to change something
  (it names a region, a house, a category…): 404, no such record or one outside the caller's scope (the two are
  indistinguishable on purpose);
- a body: 400 for malformed JSON or multipart and for a broken domain rule, 413 beyond the body limits;
- an unsafe method: 400 for a broken domain rule, 409 for a duplicate, a state conflict or an idempotency key
  reused with another body.

Statuses an operation declares itself (`**errors(...)` in its decorator) are kept as they are.
"""

from __future__ import annotations

from typing import Any

from grassroots.core.schemas import ErrorOut

ERROR_REF = "#/components/schemas/ErrorOut"
UNSAFE = {"post", "put", "patch", "delete"}
REFERENCE_PARAMETERS = {"region", "parent"}  # query filters that fetch a record in the caller's scope
DESCRIPTIONS = {  # bilingual like the error messages themselves (the schema is read by developers, not residents)
    400: "输入有误或违反业务规则，未写入任何数据 / bad input or a broken rule; nothing was written",
    401: "需要登录或有效的 API 令牌 / no or bad credentials",
    403: "角色或管辖范围不允许，或会话请求缺少 CSRF 令牌 / not allowed for this role or scope, or no CSRF token",
    404: "记录不存在或不在您的管辖范围内 / no such record, or outside your scope",
    409: "重复、状态冲突或 Idempotency-Key 用于不同内容 / duplicate, conflicting state or a reused idempotency key",
    413: "请求体过大 / body over the size limits",
    422: "请求数据与模式不符（details 逐项列出） / the request does not match the schema (see details)",
}


def statuses_for(method: str, operation: dict[str, Any]) -> set[int]:
    """The 4xx statuses the server can answer for this operation, from what the operation needs."""
    params = operation.get("parameters", [])
    body = "requestBody" in operation
    found: set[int] = set()
    if operation.get("security"):
        found |= {401, 403}
    if params or body:
        found.add(422)
    if any(p.get("in") == "path" or p.get("name") in REFERENCE_PARAMETERS for p in params):
        found.add(404)
    if body and method in UNSAFE:
        found.add(404)
    if body:
        found |= {400, 413}
    if method in UNSAFE:
        found |= {400, 409}
    return found


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses to every operation of `schema` (an OpenAPI dict), in place, and return it."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in sorted(statuses_for(method, operation)):
                if status in responses or str(status) in responses:  # ninja keys responses by int
                    continue
                responses[status] = {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                }
    return schema
