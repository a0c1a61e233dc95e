"""Open data for the public (no login): releases, downloads, feedback. Publishing needs the permission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.sharing import services
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
        try:
            services.leave_feedback(item, request.POST.get("message", ""), client=_client(request))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("感谢您的反馈"))
        return redirect("open:release", item.pk)
    return render(request, "sharing/release.html", {"release": item, "rows": services.table_rows(item)})


def download(request, release_id: int, fmt: str):
    body, content_type, filename = services.download(_release(release_id), fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def publish(request):
    require_perm(request.user, Perm.PUBLISH_OPEN_DATA)  # the form too, not only publishing
    if request.method == "POST":
        publish = services.RELEASE_KINDS.get(request.POST.get("kind", "cases_by_category"))
        if publish is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "未知的发布类型 / unknown release kind")
        try:
            threshold = int(request.POST.get("threshold") or 10)
        except ValueError:
            raise DomainError(ErrorCode.INVALID_INPUT, "最小公开数应为整数 / threshold: a whole number") from None
        item = publish(request.user, month=request.POST.get("month", ""), threshold=threshold)
        return redirect("open:release", item.pk)
    return render(request, "sharing/publish.html")
