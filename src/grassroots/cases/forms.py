"""Page forms: shapes only. Rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.cases.models import Category, Channel
from grassroots.core.pages import DayField, flag_field


def category_choices(blank: str | None = None) -> list[tuple[str, str]]:
    rows = [
        (c.code, f"{c.parent.name} · {c.name}")
        for c in Category.objects.filter(is_active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("parent__code", "code")
    ]
    return ([("", blank)] if blank else []) + rows


class ReportForm(forms.Form):
    """One form for residents, patrols and assisted entry; staff see the extra fields. Photos come as a plain
    multiple file input (request.FILES.getlist("photos")), checked by the evidence service."""

    description = forms.CharField(
        label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 4}), min_length=5, max_length=2000
    )
    title = forms.CharField(label=_("标题（可不填，自动生成）"), max_length=80, required=False)
    category = forms.ChoiceField(label=_("类别（可不选，系统自动识别）"), required=False)
    door_number = forms.CharField(label=_("门牌号"), max_length=160, required=False)
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    address = forms.CharField(label=_("地点描述"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("匿名反映（部分类别不允许）"), required=False)
    # Consent to the public feed (Open311), off unless ticked; patrol findings are public by their channel.
    public = forms.BooleanField(
        label=_("同意公开展示（仅限公共空间类问题；只公开类别、办理状态和大致位置，不含姓名、住址和描述）"),
        required=False,
    )
    reporter_name = forms.CharField(label=_("反映人姓名（代办必填）"), max_length=40, required=False)
    reporter_phone = forms.CharField(label=_("反映人电话（代办必填）"), max_length=20, required=False)

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=str(_("自动识别")))
        if not staff:
            del self.fields["reporter_name"], self.fields["reporter_phone"]
        else:
            del self.fields["anonymous"]

    def title_or_summary(self) -> str:
        data = self.cleaned_data
        return data.get("title") or data["description"].replace("\n", " ")[:24]


def photos_from(request) -> list:
    """Uploaded photos, unread: the evidence service reads them, bounded, once the actor's permission is checked."""
    from grassroots.cases.evidence import uploaded_photos

    return uploaded_photos(request.FILES.getlist("photos"))


def report_from(form: ReportForm, photos: list):
    """The intake Report a valid ReportForm describes."""
    from grassroots.cases.intake import Report

    data = form.cleaned_data
    return Report(
        title=form.title_or_summary(),
        description=data["description"],
        category=data.get("category") or "",
        lng=data.get("lng"),
        lat=data.get("lat"),
        door_number=data.get("door_number") or "",
        address=data.get("address") or "",
        reporter_name=data.get("reporter_name") or "",
        reporter_phone=data.get("reporter_phone") or "",
        anonymous=bool(data.get("anonymous")),
        public=bool(data.get("public")),
        photos=photos,
    )


class WorkbenchFilter(forms.Form):
    """The workbench's query: the same filters as the cockpit's drill-down links (dates are local days)."""

    status = forms.CharField(required=False)
    category = forms.CharField(required=False)
    region = forms.IntegerField(required=False)
    overdue = flag_field()
    mine = flag_field()
    received_from = DayField(required=False)
    received_to = DayField(required=False)
    closed_from = DayField(required=False)
    closed_to = DayField(required=False)
    outcome = forms.CharField(required=False)
    on_time = flag_field()
    rated = flag_field()


class CaseActionForm(forms.Form):
    """Every field an action on a case may post, typed; which are needed is each service's rule."""

    reason = forms.CharField(required=False, strip=False)
    likely_owner = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)
    category = forms.CharField(required=False)
    comment = forms.CharField(required=False, strip=False)
    percent = forms.IntegerField(label=_("进度"), required=False)
    score = forms.IntegerField(label=_("评分"), required=False)
    planned_date = DayField(label=_("计划解决日期"), required=False)
    deadline = forms.DateTimeField(label=_("督办期限"), required=False)
    department = forms.IntegerField(required=False)
    region = forms.IntegerField(required=False)
    primary = forms.IntegerField(label=_("主件"), required=False)
    satisfied = flag_field()


class RuleForm(forms.Form):
    """One row of the 责任清单, or the id of one to delete."""

    delete = forms.IntegerField(required=False)
    category = forms.CharField(required=False)
    level = forms.IntegerField(label=_("层级"), required=False)
    within = forms.IntegerField(required=False)
    department = forms.IntegerField(required=False)
    sla_hours = forms.IntegerField(label=_("办理时限"), required=False)
    warn_hours = forms.IntegerField(label=_("预警时间"), required=False)


STAFF_ENTRY = (Channel.PATROL, Channel.ASSISTED)


class StaffEntryQuery(forms.Form):
    """Which of the two staff entry modes a page offers; the service checks the user holds a staff role for it."""

    channel = forms.ChoiceField(
        label=_("录入方式"),
        choices=[(Channel.PATROL, Channel.PATROL.label), (Channel.ASSISTED, Channel.ASSISTED.label)],
    )
