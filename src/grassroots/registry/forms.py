"""Page forms. They check shapes only; every rule (checksums, scope, duplicates) is the service's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.registry.models import HouseType, Residence


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name if obj.parent_id else ''} · {obj.name}"


class PersonForm(forms.Form):
    grid = GridChoiceField(label=_("网格"), queryset=None)
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), min_length=18, max_length=18)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    residence = forms.ChoiceField(label=_("人口类型"), choices=Residence.choices)
    door_number = forms.CharField(label=_("住址门牌（可选）"), max_length=160, required=False)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class HouseForm(forms.Form):
    grid = GridChoiceField(label=_("网格"), queryset=None)
    road = forms.CharField(label=_("街路巷"), max_length=60)
    number = forms.CharField(label=_("门牌号"), max_length=20)
    building = forms.CharField(label=_("楼栋"), max_length=20, required=False)
    unit = forms.CharField(label=_("单元"), max_length=20, required=False)
    room = forms.CharField(label=_("室"), max_length=20, required=False)
    house_type = forms.ChoiceField(label=_("类型"), choices=HouseType.choices)
    is_rental = forms.BooleanField(label=_("出租屋"), required=False)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
