"""The main navigation, built from the user's permissions, and residents kept on their own side.

A link is shown only to a user who holds one of its permissions somewhere, so no role is offered a page
that answers 403 or shows an empty staff list. A resident (no staff role anywhere) is sent from staff
pages to the portal instead of being shown them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm, holds_staff_role


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str
    perms: tuple[Perm, ...] = ()  # any one of them; empty means every signed-in user
    staff_only: bool = False


STAFF_LINKS = (
    NavLink("cases:workbench", _("事件"), (Perm.VIEW_CASES, Perm.HANDLE_CASES)),
    NavLink("areas:tree", _("辖区网格"), (Perm.VIEW_REGIONS,)),
    NavLink("registry:persons", _("实有人口"), (Perm.VIEW_REGISTRY,)),
    NavLink("registry:houses", _("实有房屋"), (Perm.VIEW_REGISTRY,)),
    NavLink("registry:legal_persons", _("法人单位"), (Perm.VIEW_REGISTRY,)),
    NavLink("cockpit:cockpit", _("驾驶舱"), (Perm.VIEW_COCKPIT,)),
    NavLink("risk:warnings", _("预警"), (Perm.VIEW_RISK,)),
    NavLink(
        "sharing:catalogue",
        _("数据共享"),
        (Perm.MANAGE_DATASETS, Perm.REQUEST_DATA, Perm.REVIEW_SHARING, Perm.PUBLISH_OPEN_DATA),
    ),
    NavLink("tokens", _("API 令牌"), staff_only=True),
    NavLink("audit:search", _("审计日志"), (Perm.AUDIT_LOG,)),
)
RESIDENT_LINKS = (
    NavLink("portal:home", _("我要反映")),
    NavLink("portal:mine", _("我的诉求")),
    NavLink("notifications:inbox", _("消息")),
)

# Staff-side URL namespaces (and bare names) that a resident is sent away from, to the portal.
STAFF_NAMESPACES = frozenset({"cases", "areas", "registry", "cockpit", "risk", "sharing", "audit", "environment"})
STAFF_URL_NAMES = frozenset({"home", "tokens"})
RESIDENT_ALLOWED = frozenset({"cases:evidence", "environment:firm"})  # a photo of their own case; a firm contact's page


def links_for(user) -> list[dict]:
    if not (user and user.is_authenticated):
        return []
    staff = holds_staff_role(user)
    chosen = []
    for link in STAFF_LINKS if staff else RESIDENT_LINKS:
        if link.staff_only and not staff:
            continue
        if link.perms and not any(has_perm(user, p) for p in link.perms):
            continue
        chosen.append({"href": reverse(link.url_name), "label": link.label, "name": link.url_name})
    if staff and user.is_staff:
        chosen.append({"href": reverse("admin:index"), "label": _("管理后台"), "name": "admin:index"})
    return chosen


class ResidentsToPortalMiddleware:
    """A resident who opens a staff page is sent to the portal: they never see staff menus or empty lists."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or match is None or holds_staff_role(user):
            return None
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if name in RESIDENT_ALLOWED:
            return None
        if match.namespace in STAFF_NAMESPACES or (not match.namespace and match.url_name in STAFF_URL_NAMES):
            return redirect("portal:home")
        return None
