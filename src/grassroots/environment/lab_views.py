"""The lab-result import page (化验结果导入): the upload form, a refused file's errors row by row, the history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.environment import lab_import as service


@login_required
def lab_import(request):
    """GET: the form and history. POST: import; a refused file is shown again with its rows' errors (4xx)."""
    require_perm(request.user, Perm.MANAGE_ENVIRONMENT)  # before the body's file is touched
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError(ErrorCode.INVALID_INPUT, _("请选择文件"))
        done, error = service.attempt_import(request.user, upload)
        if done is not None:
            note = _("已导入 %(n)s 条化验结果（%(file)s）") % {"n": done.rows, "file": done.filename}
            messages.success(request, note)
            return redirect("environment:lab_import")
    context = {"error": error, "imports": service.history(request.user)}
    return render(request, "environment/lab_import.html", context, status=error.status if error else 200)
