"""Staff pages for environment alerts, warning rules and maintenance tasks, and the firm's page (joint disposal)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, has_perm, require_perm
from grassroots.core.pages import REFUSED, form_data, form_status, page_action, run_form
from grassroots.environment import alert_queries, alerts, disposal, rule_admin
from grassroots.environment.alert_forms import (
    AlertActionForm,
    AlertFilter,
    NoteForm,
    RectificationForm,
    RuleForm,
    TaskFilter,
)
from grassroots.environment.models import AlertStatus, ObservedProperty, Rule, RuleKind, StationKind


@login_required
def alert_list(request):
    require_perm(request.user, Perm.VIEW_ENVIRONMENT)  # an empty list would hide that the role never sees alerts
    qs = alert_queries.filter_alerts(request.user, form_data(AlertFilter, request.GET))
    context = {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")), "statuses": AlertStatus.choices,
        "kinds": RuleKind.choices, "query": request.GET.urlencode(),
        "can_manage": has_perm(request.user, Perm.MANAGE_ENVIRONMENT),
    }  # fmt: skip
    return render(request, "environment/alerts.html", context)


@page_action(refused=REFUSED, fallback=lambda request, item: reverse("environment:alert", args=[item.pk]))
def _act_on_alert(request, item) -> None:
    data = form_data(AlertActionForm, request.POST)
    if data["action"] == "acknowledge":
        disposal.acknowledge_alert(request.user, item, note=data["note"])
    elif data["action"] == "close":
        disposal.close_alert(request.user, item, note=data["note"])
    else:
        rect = disposal.get_rectification_for(request.user, item, data["rectification"] or 0)
        disposal.review_rectification(request.user, rect, accepted=data["action"] == "accept", note=data["note"])


@login_required
def alert_detail(request, alert_id: int):
    item = alerts.get_alert_for(request.user, alert_id)
    if request.method == "POST":
        return _act_on_alert(request, item)
    handle = covers(request.user, Perm.HANDLE_ENV_ALERTS, item.region_path) and item.status != AlertStatus.CLOSED
    context = {"item": item, "rectifications": item.rectifications.select_related("author", "reviewed_by"),
               "can_handle": handle, "tasks": item.station.maintenance_tasks.filter(status="open")}  # fmt: skip
    return render(request, "environment/alert.html", context)


@login_required
def rule_list(request):
    require_perm(request.user, Perm.MANAGE_ENVIRONMENT)
    form = RuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and run_form(form, lambda data: _save_rule(request, data, form)) is not None:
        messages.success(request, _("规则已保存"))
        return redirect("environment:rules")
    context = {"rules": alert_queries.rule_rows(), "form": form, "kinds": RuleKind.choices,
               "station_kinds": StationKind.choices, "properties": ObservedProperty.objects.all()}  # fmt: skip
    return render(request, "environment/rules.html", context, status=form_status(form))


def _save_rule(request, data: dict, form: RuleForm) -> Rule:
    rule = rule_admin.get_rule_for(request.user, data["rule"]) if data["rule"] else None
    return rule_admin.save_rule(request.user, rule, **form.values())


@login_required
def task_list(request):
    require_perm(request.user, Perm.VIEW_ENVIRONMENT)
    qs = alert_queries.filter_tasks(request.user, form_data(TaskFilter, request.GET))
    context = {"page": Paginator(qs, 50).get_page(request.GET.get("page")), "query": request.GET.urlencode(),
               "can_handle": has_perm(request.user, Perm.HANDLE_ENV_ALERTS)}  # fmt: skip
    return render(request, "environment/tasks.html", context)


@login_required
@require_POST
@page_action(success=_("运维任务已完成"), refused=REFUSED, fallback=reverse_lazy("environment:tasks"))
def task_close(request, task_id: int) -> None:
    task = alerts.get_task_for(request.user, task_id)
    disposal.close_task(request.user, task, note=form_data(NoteForm, request.POST)["note"])


@login_required
def firm(request):
    disposal.require_operator(request.user)  # 403 for a login that speaks for no firm
    if request.method == "POST":
        return _rectify(request)
    return render(request, "environment/firm.html", alert_queries.firm_view(request.user))


@page_action(success=_("整改情况已提交"), refused=REFUSED, fallback=reverse_lazy("environment:firm"))
def _rectify(request) -> None:
    data = form_data(RectificationForm, request.POST)
    alert = disposal.get_firm_alert(request.user, data["alert"])
    disposal.submit_rectification(request.user, alert, text=data["text"])
