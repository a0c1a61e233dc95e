"""Roles, what each may do, and how much personal data each sees (the masking policy)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.masking import Pattern


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    STREET_LEADER = "street_leader", _("街道领导")
    STREET_STAFF = "street_staff", _("街道工作人员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    DEPARTMENT = "department", _("部门人员")
    DATA_OFFICER = "data_officer", _("数据管理员")
    RESIDENT = "resident", _("居民")


class Perm(StrEnum):
    VIEW_REGIONS = "areas.view"
    IMPORT_REGIONS = "areas.import"
    VIEW_REGISTRY = "registry.view"
    EDIT_REGISTRY = "registry.edit"
    EXPORT_REGISTRY = "registry.export"
    REVEAL_PII = "registry.reveal"
    RELINK_ACCOUNT = "registry.relink"  # replace the login already linked to a person (实名核验 corrected)
    MANAGE_ACCOUNTS = "accounts.manage"
    REPORT_CASES = "cases.report"  # open a case: own report, patrol, or on a resident's behalf
    VIEW_CASES = "cases.view"
    HANDLE_CASES = "cases.handle"  # accept, return, progress, resolve the cases one owns
    ARBITRATE_CASES = "cases.arbitrate"  # decide the owner after repeated returns; merge duplicates
    SUPERVISE_CASES = "cases.supervise"  # 督办
    MANAGE_ROUTING = "cases.routing"  # edit the responsibility list (责任清单)
    AUDIT_LOG = "audit.view"  # search the audit log, prove entries, export checkpoints
    PUBLISH_OPEN_DATA = "sharing.publish"  # publish aggregate releases for the public
    MANAGE_DATASETS = "sharing.provide"  # a provider department: catalogue entries, decisions, error answers
    REQUEST_DATA = "sharing.request"  # a consumer department: request datasets, use grants, report errors
    REVIEW_SHARING = "sharing.review"  # the compliance check of sharing requests (数据主管部门)
    VIEW_RISK = "risk.view"  # warnings, baseline, trends and drivers in one's area
    HANDLE_WARNINGS = "risk.handle"  # acknowledge and close warnings
    MANAGE_RISK_RULES = "risk.rules"  # thresholds and actions of warning rules
    VIEW_COCKPIT = "cockpit.view"  # the leaders' cockpit
    VIEW_ENVIRONMENT = "environment.view"  # stations, readings, alerts and maintenance tasks in one's area
    HANDLE_ENV_ALERTS = "environment.handle"  # acknowledge and close alerts, review firms' rectification
    MANAGE_ENVIRONMENT = "environment.manage"  # stations, ingest tokens, rules and lab-result imports


STAFF_ROLES = frozenset(Role) - {Role.RESIDENT}

PERMISSIONS: dict[Role, frozenset[Perm]] = {
    # Administrators run the system; seeing a resident's full ID, and vouching for who holds a login, is for
    # those who serve them in person.
    Role.SYSTEM_ADMIN: frozenset(Perm) - {Perm.REVEAL_PII, Perm.RELINK_ACCOUNT},
    Role.STREET_LEADER: frozenset(
        {
            Perm.VIEW_REGIONS,
            Perm.VIEW_REGISTRY,
            Perm.EXPORT_REGISTRY,
            Perm.VIEW_CASES,
            Perm.ARBITRATE_CASES,
            Perm.SUPERVISE_CASES,
            Perm.VIEW_RISK,
            Perm.HANDLE_WARNINGS,
            Perm.VIEW_COCKPIT,
            Perm.VIEW_ENVIRONMENT,
        }
    ),
    Role.STREET_STAFF: frozenset(
        {
            Perm.VIEW_REGIONS,
            Perm.VIEW_REGISTRY,
            Perm.EDIT_REGISTRY,
            Perm.EXPORT_REGISTRY,
            Perm.REPORT_CASES,
            Perm.VIEW_CASES,
            Perm.HANDLE_CASES,
            Perm.ARBITRATE_CASES,
            Perm.MANAGE_ROUTING,
            Perm.VIEW_RISK,
            Perm.HANDLE_WARNINGS,
            Perm.VIEW_COCKPIT,
            Perm.VIEW_ENVIRONMENT,
            Perm.HANDLE_ENV_ALERTS,
            Perm.MANAGE_ENVIRONMENT,
        }
    ),
    Role.COMMUNITY_STAFF: frozenset(
        {
            Perm.VIEW_REGIONS,
            Perm.VIEW_REGISTRY,
            Perm.EDIT_REGISTRY,
            Perm.EXPORT_REGISTRY,
            Perm.REVEAL_PII,
            Perm.RELINK_ACCOUNT,  # the community's staff, not the grid worker who made the first link
            Perm.REPORT_CASES,
            Perm.VIEW_CASES,
            Perm.HANDLE_CASES,
            Perm.VIEW_RISK,
            Perm.HANDLE_WARNINGS,
            Perm.VIEW_COCKPIT,
            Perm.VIEW_ENVIRONMENT,
        }
    ),
    Role.GRID_WORKER: frozenset(
        {
            Perm.VIEW_REGIONS,
            Perm.VIEW_REGISTRY,
            Perm.EDIT_REGISTRY,
            Perm.REVEAL_PII,
            Perm.REPORT_CASES,
            Perm.VIEW_CASES,
            Perm.HANDLE_CASES,
            Perm.VIEW_RISK,
            Perm.VIEW_ENVIRONMENT,
        }
    ),
    # Department officers see and handle only the cases routed to their department (cases/access.py).
    # Environment officers (生态环境部门) run the stations and dispose of their alerts with the firms.
    Role.DEPARTMENT: frozenset(
        {
            Perm.VIEW_REGIONS,
            Perm.VIEW_REGISTRY,
            Perm.HANDLE_CASES,
            Perm.MANAGE_DATASETS,
            Perm.REQUEST_DATA,
            Perm.VIEW_ENVIRONMENT,
            Perm.HANDLE_ENV_ALERTS,
            Perm.MANAGE_ENVIRONMENT,
        }
    ),
    # The data authority checks requests for lawfulness and proportion; it neither provides nor consumes.
    Role.DATA_OFFICER: frozenset({Perm.VIEW_REGIONS, Perm.REVIEW_SHARING, Perm.AUDIT_LOG}),
    Role.RESIDENT: frozenset({Perm.REPORT_CASES}),
}

# Who sees what by default. Those who serve residents face to face (grid, community) see names and phones;
# the ID number is always partial in lists and pages, and revealing it in full is a separate audited act.
F, P, H = Pattern.FULL, Pattern.PARTIAL, Pattern.HIDDEN
MASKING: dict[Role, dict[str, Pattern]] = {
    Role.SYSTEM_ADMIN: {"name": P, "phone": P, "id_number": P},
    Role.STREET_LEADER: {"name": P, "phone": P, "id_number": P},
    Role.STREET_STAFF: {"name": F, "phone": P, "id_number": P},
    Role.COMMUNITY_STAFF: {"name": F, "phone": F, "id_number": P},
    Role.GRID_WORKER: {"name": F, "phone": F, "id_number": P},
    Role.DEPARTMENT: {"name": P, "phone": P, "id_number": P},
    Role.DATA_OFFICER: {"name": H, "phone": H, "id_number": H},
    Role.RESIDENT: {"name": H, "phone": H, "id_number": H},
}
_RANK = {H: 0, P: 1, F: 2}


def most_revealing(patterns: list[Pattern]) -> Pattern:
    return max(patterns, key=_RANK.__getitem__, default=H)
