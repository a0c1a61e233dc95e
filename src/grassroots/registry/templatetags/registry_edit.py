"""`{% may_edit_registry request.user region_id as ok %}`: offer an edit link only to those who may follow it
(pages whose handlers predate editing do not pass a flag of their own)."""

from django import template

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers
from grassroots.areas.models import Region

register = template.Library()


@register.simple_tag
def may_edit_registry(user, region_id) -> bool:
    path = Region.objects.filter(pk=region_id).values_list("path", flat=True).first()
    return bool(path) and covers(user, Perm.EDIT_REGISTRY, path)
