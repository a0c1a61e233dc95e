"""Open data for the public (no login): releases, downloads, feedback. Publishing needs the permission."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.core.pages import form_data, page_action
from grassroots.sharing import services
from grassroots.sharing.forms import FeedbackForm, PublishForm
from grassroots.sharing.models import OpenRelease


def _release(release_id: int) -> OpenRelease:
    release = OpenRelease.objects.filter(pk=release_id).first()
    if release is None:
        raise NotFound()
    return release


def _client(request) -> str:
    """Who is leaving feedback, for the throttle: the address the server saw (set up the proxy to pass it)."""
    return request.META.get("REMOTE_ADDR") or request.session.session_key or "unknown"


def releases(request):
    return render(request, "sharing/releases.html", {"releases": OpenRelease.objects.all()[:100]})


def release(request, release_id: int):
    item = _release(release_id)
    if request.method == "POST":
        return _leave_feedback(request, item)
    return render(request, "sharing/release.html", {"release": item, "rows": services.table_rows(item)})


@page_action(success=_("感谢您的反馈"), fallback=lambda request, item: reverse("open:release", args=[item.pk]))
def _leave_feedback(request, item: OpenRelease) -> None:
    message = form_data(FeedbackForm, request.POST)["message"]
    services.leave_feedback(item, message, client=_client(request))


def download(request, release_id: int, fmt: str):
    body, content_type, filename = services.download(_release(release_id), fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def publish(request):
    require_perm(request.user, Perm.PUBLISH_OPEN_DATA)  # the form too, not only publishing
    if request.method == "POST":
        data = form_data(PublishForm, request.POST)
        publish = services.RELEASE_KINDS.get(data["kind"] or "cases_by_category")
        if publish is None:
            raise DomainError(ErrorCode.INVALID_INPUT, _("未知的发布类型"))
        threshold = 10 if data["threshold"] is None else data["threshold"]
        item = publish(request.user, month=data["month"], threshold=threshold)
        return redirect("open:release", item.pk)
    return render(request, "sharing/publish.html")
