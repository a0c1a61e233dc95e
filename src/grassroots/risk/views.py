"""Staff pages for warnings, rules, subscriptions, the baseline (底数) and the drivers (路径)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import grants_with, has_perm, require_in_scope
from grassroots.areas.models import Region
from grassroots.cases.models import Category
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.risk import baseline, delivery, paths, services
from grassroots.risk.features import FEATURES
from grassroots.risk.levels import COLOURS, Level
from grassroots.risk.models import BaselineSnapshot, Disposition, Domain, Status, WarningRule


def _int(value, default=None):
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_INPUT, f"不是有效的数字：{value}") from None


def _float(value, name):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_INPUT, f"{name} 应为数字") from None


def _scoped_region(request, perm: Perm) -> Region:
    region_id = _int(request.GET.get("region"))
    if region_id is None:
        paths_ = sorted({g.path for g in grants_with(request.user, perm)}, key=len)
        region = Region.objects.filter(path=paths_[0]).first() if paths_ else None
    else:
        region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound()
    require_in_scope(request.user, perm, region.path)
    return region


@login_required
def warnings(request):
    qs = services.warnings_for(request.user)
    region_id = _int(request.GET.get("region"))
    if region_id:
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise NotFound()
        qs = qs.filter(region_path__startswith=region.path)
    for key in ("status", "domain"):
        if request.GET.get(key):
            qs = qs.filter(**{key: request.GET[key]})
    if request.GET.get("level"):
        qs = qs.filter(level__gte=_int(request.GET["level"]))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for warning in page:
        warning.level_colour = COLOURS[warning.level]
    context = {
        "page": page,
        "statuses": Status.choices,
        "domains": Domain.choices,
        "levels": Level.choices[1:],
        "query": request.GET.urlencode(),
    }
    return render(request, "risk/warnings.html", context)


@login_required
def warning(request, warning_id: int):
    item = services.get_warning_for(request.user, warning_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "acknowledge":
                services.acknowledge_warning(request.user, item, note=request.POST.get("note", ""))
            else:
                services.close_warning(
                    request.user,
                    item,
                    disposition=request.POST.get("disposition", ""),
                    note=request.POST.get("note", ""),
                )
        except DomainError as error:
            if error.code == ErrorCode.NOT_FOUND:
                raise
            messages.error(request, error.message)
        return redirect("risk:warning", item.pk)
    context = {
        "item": item,
        "colour": COLOURS[item.level],
        "events": item.events.select_related("actor"),
        "signals": item.signals.all()[:20],
        "dispositions": Disposition.choices,
        "can_handle": has_perm(request.user, Perm.HANDLE_WARNINGS) and item.status != Status.CLOSED,
    }
    return render(request, "risk/warning.html", context)


@login_required
def rules(request):
    if request.method == "POST":
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
            services.save_rule(request.user, domain=post.get("domain", ""), kind=post.get("kind", "").strip(), **values)
            messages.success(request, "规则已保存")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("risk:rules")
    context = {
        "rules": WarningRule.objects.all(),
        "domains": Domain.choices,
        "levels": Level.choices,
        "categories": Category.objects.filter(parent__isnull=False, is_active=True).order_by("code"),
        "can_edit": has_perm(request.user, Perm.MANAGE_RISK_RULES),
        "defaults": WarningRule(),
    }
    return render(request, "risk/rules.html", context)


@login_required
def subscriptions(request):
    secret = None
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                delivery.unsubscribe(request.user, _int(request.POST["delete"]))
            else:
                region = Region.objects.filter(pk=_int(request.POST.get("region"))).first()
                if region is None:
                    raise DomainError(ErrorCode.INVALID_INPUT, "请选择区域")
                _, secret = delivery.subscribe(
                    request.user,
                    region=region,
                    domains=request.POST.getlist("domains"),
                    min_level=_int(request.POST.get("min_level"), 1),
                    in_app=request.POST.get("in_app") == "1",
                    email=request.POST.get("email") == "1",
                    webhook_url=request.POST.get("webhook_url", ""),
                )
                messages.success(request, "订阅已保存")
        except DomainError as error:
            messages.error(request, error.message)
        if not secret:
            return redirect("risk:subscriptions")
    areas = {g.path for g in grants_with(request.user, Perm.VIEW_RISK)}
    context = {
        "rows": request.user.risk_subscriptions.select_related("region"),
        "regions": [
            r for r in Region.objects.filter(level__lte=3).order_by("path") if any(r.path.startswith(a) for a in areas)
        ],
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
            raise DomainError(ErrorCode.INVALID_INPUT, "日期格式应为 YYYY-MM-DD") from None
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
