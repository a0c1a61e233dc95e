"""Staff pages for warnings, rules, subscriptions, the baseline (底数) and the drivers (路径)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm, Role
from grassroots.accounts.scope import (
    grants,
    has_perm,
    require_in_scope,
    require_perm,
    widest_path,
)
from grassroots.areas.models import Region
from grassroots.cases.models import Category
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.core.pages import REFUSED, InvalidForm, form_data, page_action
from grassroots.risk import baseline, delivery, paths, plans, queries, services
from grassroots.risk.features import FEATURES
from grassroots.risk.forms import BaselineQuery, RiskRuleForm, SubscriptionForm, WarningActionForm, WarningFilter
from grassroots.risk.levels import COLOURS, Level
from grassroots.risk.models import BaselineSnapshot, Disposition, Domain, Status, WarningRule


def _scoped_region(request, perm: Perm) -> Region:
    require_perm(request.user, perm)  # a role without it anywhere: 403, not "no such region"
    region_id = form_data(BaselineQuery, request.GET)["region"]
    if region_id is None:
        home = widest_path(request.user, perm)
        region = Region.objects.filter(path=home).first() if home else None
    else:
        region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound()
    require_in_scope(request.user, perm, region.path)
    return region


@login_required
def warnings(request):
    require_perm(request.user, Perm.VIEW_RISK)  # an empty list would hide that the role never sees warnings
    qs = queries.filter_warnings(request.user, form_data(WarningFilter, request.GET))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for item in page:
        item.level_colour = COLOURS[item.level]
    context = {
        "page": page,
        "statuses": [("active", _("未关闭")), *Status.choices],
        "domains": Domain.choices,
        "levels": Level.choices[1:],
        "query": request.GET.urlencode(),
        "can_read_rules": has_perm(request.user, Perm.HANDLE_WARNINGS),
    }
    return render(request, "risk/warnings.html", context)


@page_action(refused=REFUSED, fallback=lambda request, item: reverse("risk:warning", args=[item.pk]))
def _act_on_warning(request, item) -> None:
    data = form_data(WarningActionForm, request.POST)
    action, note = data["action"], data["note"]
    if action == "acknowledge":
        services.acknowledge_warning(request.user, item, note=note)
    elif action in ("adopt_plan", "decline_plan"):
        proposal = plans.get_proposal_for(request.user, item, data["proposal"] or 0)
        decide = plans.adopt_plan if action == "adopt_plan" else plans.decline_plan
        decide(request.user, proposal, note=note)
        messages.success(request, _("已采纳预案建议") if action == "adopt_plan" else _("已记录不采纳及理由"))
    else:
        services.close_warning(request.user, item, disposition=data["disposition"], note=note)


@login_required
def warning(request, warning_id: int):
    item = services.get_warning_for(request.user, warning_id)
    if request.method == "POST":
        return _act_on_warning(request, item)
    rule = services.rule_for(item.domain, item.kind)
    deciders = [g for g in grants(request.user) if g.role in plans.DECIDERS]
    context = {
        "item": item,
        "colour": COLOURS[item.level],
        "events": item.events.select_related("actor"),
        "signals": queries.signals_of(item),
        "proposals": item.proposals.select_related("decided_by"),
        "can_decide": any(g.covers(item.region_path) for g in deciders),
        "rule": rule,
        "notify_roles": [Role(r).label for r in rule.notify_roles if r in Role.values],
        "dispositions": Disposition.choices,
        "can_handle": has_perm(request.user, Perm.HANDLE_WARNINGS) and item.status != Status.CLOSED,
    }
    return render(request, "risk/warning.html", context)


@login_required
def rules(request):
    # Staff who handle warnings may read the rules; only those with MANAGE_RISK_RULES change them.
    require_perm(request.user, Perm.HANDLE_WARNINGS)
    if request.method == "POST":
        require_perm(request.user, Perm.MANAGE_RISK_RULES)
        return _save_rule(request)
    rule_rows = list(WarningRule.objects.all())
    for rule in rule_rows:
        rule.role_names = [Role(code).label for code in rule.notify_roles if code in Role.values]
    context = {
        "rules": rule_rows,
        "domains": Domain.choices,
        "levels": Level.choices,
        "categories": Category.objects.filter(parent__isnull=False, is_active=True).order_by("code"),
        "can_edit": has_perm(request.user, Perm.MANAGE_RISK_RULES),
        "defaults": WarningRule(),
        "roles": [(role.value, role.label) for role in services.NOTIFIABLE_ROLES],
    }
    return render(request, "risk/rules.html", context)


@page_action(success=_("规则已保存"), fallback=reverse_lazy("risk:rules"))
def _save_rule(request) -> None:
    form = RiskRuleForm(request.POST)
    if not form.is_valid():
        raise InvalidForm.of(form)
    data = form.cleaned_data
    services.save_rule(request.user, domain=data["domain"], kind=data["kind"].strip(), **form.rule_values())


@login_required
def subscriptions(request):
    require_perm(request.user, Perm.VIEW_RISK)  # subscriptions are to warnings in one's area
    if request.method == "POST":
        return _change_subscription(request)
    return _subscriptions_page(request, secret=None)


def _subscriptions_page(request, secret: str | None):
    context = {
        "rows": request.user.risk_subscriptions.select_related("region"),
        "regions": queries.subscribable_regions(request.user),
        "domains": Domain.choices,
        "levels": Level.choices[1:],
        "secret": secret,  # shown once, in this response only
    }
    return render(request, "risk/subscriptions.html", context)


@page_action(fallback=reverse_lazy("risk:subscriptions"))
def _change_subscription(request):
    data = form_data(SubscriptionForm, request.POST)
    if data["delete"]:
        return delivery.unsubscribe(request.user, data["delete"])
    region = Region.objects.filter(pk=data["region"]).first() if data["region"] else None
    if region is None:
        raise DomainError(ErrorCode.INVALID_INPUT, _("请选择区域"))
    options = {"in_app": bool(data["in_app"]), "email": bool(data["email"]), "webhook_url": data["webhook_url"]}
    min_level = 1 if data["min_level"] is None else data["min_level"]
    _subscription, secret = delivery.subscribe(
        request.user, region=region, domains=data["domains"], min_level=min_level, **options
    )
    messages.success(request, _("订阅已保存"))
    return _subscriptions_page(request, secret) if secret else None


@login_required
def baseline_page(request):
    region = _scoped_region(request, Perm.VIEW_RISK)
    chosen = form_data(BaselineQuery, request.GET)["date"]
    snapshots = BaselineSnapshot.objects.filter(region=region)
    current = snapshots.filter(taken_on=chosen).first() if chosen else snapshots.first()
    previous = snapshots.filter(taken_on__lt=current.taken_on).first() if current else None
    context = {
        "region": region,
        "children": Region.objects.filter(parent=region).order_by("code"),
        "dates": list(snapshots.values_list("taken_on", flat=True)[:400]),
        "current": current,
        "previous": previous,
        "rows": baseline.compare(current.data, previous.data if previous else None) if current else [],
    }
    return render(request, "risk/baseline.html", context)


@login_required
def drivers(request):
    region = _scoped_region(request, Perm.VIEW_RISK)
    run = paths.latest(region)
    figures = run.figures if run else None
    english = (get_language() or "").startswith("en")
    labels = {name: names[1] if english else names[0] for name, (names, _unit) in FEATURES.items()}
    rows = [
        {**d, "label": labels.get(d.get("feature"), d.get("feature"))}
        for d in ((figures or {}).get("model") or {}).get("drivers", [])
    ]
    error = one_language((figures or {}).get("error", ""), english)
    context = {"region": region, "run": run, "figures": figures, "drivers": rows, "error": error}
    return render(request, "risk/drivers.html", context)


def one_language(text: str, english: bool) -> str:
    """risk.analytics runs without Django and words its refusals "中文 / English", stored with the nightly run:
    the page shows the reader's half."""
    chinese, sep, other = text.partition(" / ")
    return (other if english else chinese) if sep else text
