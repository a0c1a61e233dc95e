"""The inbox page and the channel-choice page (htmx form)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.core.pages import run_form
from grassroots.notifications import queries, services
from grassroots.notifications.forms import ChannelForm


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    if request.method == "POST":  # mark all as read
        services.mark_read(request.user)
        return redirect("notifications:inbox")
    rows = queries.inbox(request.user)[: queries.INBOX_SIZE]
    return render(request, "notifications/inbox.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def channels(request):
    current = {c["topic"]: c["email"] for c in services.channel_choices(request.user)}
    form = ChannelForm(request.POST if request.method == "POST" else None, current=current)
    save = lambda _data: services.set_channel_choices(request.user, form.choices()) or True  # noqa: E731
    saved = request.method == "POST" and bool(run_form(form, save))
    if saved and not request.htmx:
        messages.success(request, _("通知方式已保存"))
        return redirect("notifications:channels")
    template = "notifications/_channel_form.html" if request.htmx else "notifications/channels.html"
    return render(request, template, {"form": form, "saved": saved, "has_email": bool(request.user.email)})
