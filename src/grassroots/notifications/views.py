"""The inbox page and the channel-choice page (htmx form)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.core.errors import DomainError
from grassroots.core.time import now
from grassroots.notifications import services
from grassroots.notifications.forms import ChannelForm
from grassroots.notifications.models import Notification


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    if request.method == "POST":  # mark all as read
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=now())
        return redirect("notifications:inbox")
    rows = Notification.objects.filter(user=request.user)[:100]
    return render(request, "notifications/inbox.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def channels(request):
    current = {c["topic"]: c["email"] for c in services.channel_choices(request.user)}
    form = ChannelForm(request.POST if request.method == "POST" else None, current=current)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.set_channel_choices(request.user, form.choices())
            saved = True
        except DomainError as error:
            form.add_error(None, error.message)
    if saved and not request.htmx:
        messages.success(request, _("通知方式已保存"))
        return redirect("notifications:channels")
    template = "notifications/_channel_form.html" if request.htmx else "notifications/channels.html"
    return render(request, template, {"form": form, "saved": saved, "has_email": bool(request.user.email)})
