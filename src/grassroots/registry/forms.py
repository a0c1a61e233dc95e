"""Page forms. They check shapes only; every rule (checksums, scope, duplicates) is the service's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.pages import flag_field
from grassroots.registry.models import Household, HouseType, Industry, PersonStatus, Residence


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


class _HouseFields(forms.Form):
    """A house's address and kind: the same fields to register one and to edit one."""

    road = forms.CharField(label=_("街路巷"), max_length=60)
    number = forms.CharField(label=_("门牌号"), max_length=20)
    building = forms.CharField(label=_("楼栋"), max_length=20, required=False)
    unit = forms.CharField(label=_("单元"), max_length=20, required=False)
    room = forms.CharField(label=_("室"), max_length=20, required=False)
    house_type = forms.ChoiceField(label=_("类型"), choices=HouseType.choices)
    is_rental = forms.BooleanField(label=_("出租屋"), required=False)


class HouseForm(_HouseFields):
    grid = GridChoiceField(label=_("网格"), queryset=None)
    field_order = ["grid"]  # the grid first, then the address

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class _Versioned(forms.Form):
    """Every edit form carries the version the editor was shown; the service refuses a stale one (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PersonEditForm(_Versioned):
    """Name and phone are prefilled only for roles that see them in full; left blank, they stay as they are
    (a masked value must never be saved back over the real one)."""

    name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    residence = forms.ChoiceField(label=_("人口类型"), choices=Residence.choices)


class PersonMoveForm(_Versioned):
    door_number = forms.CharField(label=_("迁入房屋门牌"), max_length=160)
    household = forms.IntegerField(label=_("户编号（可选）"), required=False, min_value=1)
    on_date = forms.DateField(label=_("迁入日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class DepartureForm(_Versioned):
    status = forms.ChoiceField(
        label=_("变更"), choices=[(PersonStatus.MOVED_OUT, _("迁出本辖区")), (PersonStatus.DECEASED, _("死亡"))]
    )
    on_date = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class HouseEditForm(_Versioned, _HouseFields):
    pass


class HouseholdForm(_Versioned):
    kind = forms.ChoiceField(label=_("户别"), choices=Household.Kind.choices)
    head = forms.TypedChoiceField(label=_("户主"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].choices = [("", "—")] + [(m["id"], m["name"]) for m in members]


class LegalPersonEditForm(_Versioned):
    name = forms.CharField(label=_("名称"), max_length=120)
    address = forms.CharField(label=_("地址"), max_length=200)
    industry = forms.ChoiceField(label=_("行业"), choices=Industry.choices)


class RegionQuery(forms.Form):
    region = forms.IntegerField(required=False)
    tag = forms.CharField(required=False)


class ExportQuery(RegionQuery):
    fmt = forms.CharField(required=False)


class PersonFilter(RegionQuery):
    residence = forms.CharField(required=False)
    sex = forms.CharField(required=False)
    min_age = forms.IntegerField(label=_("最小年龄"), required=False)
    max_age = forms.IntegerField(label=_("最大年龄"), required=False)


class HouseFilter(RegionQuery):
    house_type = forms.CharField(required=False)
    is_rental = flag_field()


class LegalPersonFilter(RegionQuery):
    industry = forms.CharField(required=False)


class PersonSearchForm(forms.Form):
    """Searched by POST, so an ID number, phone or name never reaches a URL or an access log."""

    id_number = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    name = forms.CharField(required=False)


class HouseSearchForm(forms.Form):
    door = forms.CharField(required=False)


class RevealForm(forms.Form):
    field = forms.CharField(required=False)
    reason = forms.CharField(required=False, strip=False)


class TagForm(forms.Form):
    tag = forms.CharField(required=False)
    remove = flag_field()
    note = forms.CharField(required=False, strip=False)


class AccountLinkForm(forms.Form):
    username = forms.CharField(required=False)
    relink = flag_field()
