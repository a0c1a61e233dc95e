from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm


def nav(request):
    """Which role-gated links the main navigation shows; evaluated only when a template asks."""
    user = request.user if hasattr(request, "user") else None
    return {"can_audit": lambda: bool(user and user.is_authenticated and has_perm(user, Perm.AUDIT_LOG))}
