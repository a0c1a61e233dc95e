"""Staff pages for warnings, rules, subscriptions, the baseline (底数) and the drivers (路径)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm, Role
from grassroots.accounts.scope import covers, grants, has_perm, require_in_scope, require_perm, scoped, widest_path
from grassroots.areas.models import Region
from grassroots.cases.models import Category
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.core.time import parse_day, within_days
from grassroots.risk import baseline, delivery, paths, plans, services
from grassroots.risk.features import FEATURES
from grassroots.risk.levels import COLOURS, Level
from grassroots.risk.links import is_safe_link
from grassroots.risk.models import BaselineSnapshot, Disposition, Domain, Status, WarningRule


def _int(value, default=None):
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_INPUT, _("不是有效的数字：%(value)s") % {"value": value}) from None


def _float(value, name):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_INPUT, _("%(name)s 应为数字") % {"name": name}) from None


def _scoped_region(request, perm: Perm) -> Region:
    require_perm(request.user, perm)  # a role without it anywhere: 403, not "no such region"
    region_id = _int(request.GET.get("region"))
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
    qs = services.warnings_for(request.user)
    region_id = _int(request.GET.get("region"))
    if region_id:
        region = Region.objects.filter(pk=region_id).first()
        if region is None or not covers(request.user, Perm.VIEW_RISK, region.path):
            raise NotFound()  # missing and outside one's area look the same
        qs = qs.filter(region_path__startswith=region.path)
    status = request.GET.get("status")
    if status == "active":  # what the cockpit counts as open: not yet closed, acknowledged or not
        qs = qs.exclude(status=Status.CLOSED)
    elif status:
        qs = qs.filter(status=status)
    if request.GET.get("domain"):
        qs = qs.filter(domain=request.GET["domain"])
    first = (parse_day(request.GET.get("first_from")), parse_day(request.GET.get("first_to")))
    qs = within_days(qs, "first_at", *first)
    if request.GET.get("level"):
        qs = qs.filter(level__gte=_int(request.GET["level"]))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for warning in page:
        warning.level_colour = COLOURS[warning.level]
    context = {
        "page": page,
        "statuses": [("active", _("未关闭")), *Status.choices],
        "domains": Domain.choices,
        "levels": Level.choices[1:],
        "query": request.GET.urlencode(),
        "can_read_rules": has_perm(request.user, Perm.HANDLE_WARNINGS),
    }
    return render(request, "risk/warnings.html", context)


def _act_on_warning(request, item) -> None:
    action, post = request.POST.get("action"), request.POST
    if action == "acknowledge":
        services.acknowledge_warning(request.user, item, note=post.get("note", ""))
    elif action in ("adopt_plan", "decline_plan"):
        proposal = plans.get_proposal_for(request.user, item, _int(post.get("proposal"), 0))
        decide = plans.adopt_plan if action == "adopt_plan" else plans.decline_plan
        decide(request.user, proposal, note=post.get("note", ""))
        messages.success(request, _("已采纳预案建议") if action == "adopt_plan" else _("已记录不采纳及理由"))
    else:
        services.close_warning(request.user, item, disposition=post.get("disposition", ""), note=post.get("note", ""))


@login_required
def warning(request, warning_id: int):
    item = services.get_warning_for(request.user, warning_id)
    if request.method == "POST":
        try:
            _act_on_warning(request, item)
        except DomainError as error:
            if error.code in (ErrorCode.NOT_FOUND, ErrorCode.PERMISSION_DENIED):  # refusals are 403/404 pages
                raise
            messages.error(request, error.message)
        return redirect("risk:warning", item.pk)
    signals = list(item.signals.all()[:20])
    for s in signals:  # legacy evidence that is not http(s) or a site path is shown as text, never as a link
        s.links = [(str(link), is_safe_link(link)) for link in s.evidence or ()]
    rule = services.rule_for(item.domain, item.kind)
    deciders = [g for g in grants(request.user) if g.role in plans.DECIDERS]
    context = {
        "item": item,
        "colour": COLOURS[item.level],
        "events": item.events.select_related("actor"),
        "signals": signals,
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
        post = request.POST
        try:
            values = {name: _float(post.get(name), name) for name in ("blue", "yellow", "orange", "red")}
            values |= {"hysteresis": _float(post.get("hysteresis"), "hysteresis"),
                       "half_life_hours": _float(post.get("half_life_hours"), "half_life_hours")}  # fmt: skip
            values |= {
                name: _int(post.get(name), 0)
                for name in ("dedupe_minutes", "notify_level", "open_case_level", "plan_level")
            }
            values |= {"case_category": post.get("case_category", ""), "plan_name": post.get("plan_name", "")[:120]}
            values["notify_roles"] = post.getlist("notify_roles")
            services.save_rule(request.user, domain=post.get("domain", ""), kind=post.get("kind", "").strip(), **values)
            messages.success(request, _("规则已保存"))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("risk:rules")
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


@login_required
def subscriptions(request):
    require_perm(request.user, Perm.VIEW_RISK)  # subscriptions are to warnings in one's area
    secret = None
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                delivery.unsubscribe(request.user, _int(request.POST["delete"]))
            else:
                region = Region.objects.filter(pk=_int(request.POST.get("region"))).first()
                if region is None:
                    raise DomainError(ErrorCode.INVALID_INPUT, _("请选择区域"))
                _subscription, secret = delivery.subscribe(
                    request.user,
                    region=region,
                    domains=request.POST.getlist("domains"),
                    min_level=_int(request.POST.get("min_level"), 1),
                    in_app=request.POST.get("in_app") == "1",
                    email=request.POST.get("email") == "1",
                    webhook_url=request.POST.get("webhook_url", ""),
                )
                messages.success(request, _("订阅已保存"))
        except DomainError as error:
            messages.error(request, error.message)
        if not secret:
            return redirect("risk:subscriptions")
    context = {
        "rows": request.user.risk_subscriptions.select_related("region"),
        "regions": scoped(Region.objects.filter(level__lte=3), request.user, Perm.VIEW_RISK, "path").order_by("path"),
        "domains": Domain.choices,
        "levels": Level.choices[1:],
        "secret": secret,  # shown once, in this response only
    }
    return render(request, "risk/subscriptions.html", context)


@login_required
def baseline_page(request):
    region = _scoped_region(request, Perm.VIEW_RISK)
    snapshots = BaselineSnapshot.objects.filter(region=region)
    dates = list(snapshots.values_list("taken_on", flat=True)[:400])
    chosen = None
    if request.GET.get("date"):
        try:
            chosen = dt.date.fromisoformat(request.GET["date"])
        except ValueError:
            raise DomainError(ErrorCode.INVALID_INPUT, _("日期格式应为 YYYY-MM-DD")) from None
    current = snapshots.filter(taken_on=chosen).first() if chosen else snapshots.first()
    previous = snapshots.filter(taken_on__lt=current.taken_on).first() if current else None
    context = {
        "region": region,
        "children": Region.objects.filter(parent=region).order_by("code"),
        "dates": dates,
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
    context = {"region": region, "run": run, "figures": figures, "drivers": rows}
    return render(request, "risk/drivers.html", context)
