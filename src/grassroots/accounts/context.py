from grassroots.accounts.navigation import links_for
from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm


class PermissionsOf:
    """`{% if can.EDIT_REGISTRY %}` in a template: does the user hold this permission anywhere?

    Pages offer an action only to those who may take it, so no button leads to a 403.
    """

    def __init__(self, user):
        self.user = user

    def __getitem__(self, name: str) -> bool:
        try:
            perm = Perm[name]
        except KeyError:
            raise KeyError(name) from None  # a misspelt permission must not read as "no"
        return bool(self.user and self.user.is_authenticated and has_perm(self.user, perm))


def nav(request):
    """The main navigation for this user, built from their permissions; evaluated only when a template asks."""
    user = request.user if hasattr(request, "user") else None
    return {"nav_links": lambda: links_for(user), "can": PermissionsOf(user)}
