from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# Stored titles stay Chinese (the msgid); pages and downloads show them through gettext.
RELEASE_TITLES = {
    "cases_by_category": gettext_noop("%(month)s 各街道事件受理量（按类别）"),
    "satisfaction": gettext_noop("%(month)s 各街道群众评价（按评分）"),
}


class OpenRelease(models.Model):
    """A published aggregate for the public, stored already suppressed: what was published never changes."""

    title = models.CharField(_("标题"), max_length=120)
    kind = models.CharField(_("类型"), max_length=40)
    period = models.CharField(_("统计期"), max_length=20)
    threshold = models.PositiveSmallIntegerField(_("最小公开数"), default=10)
    row_labels = models.JSONField(default=list)
    column_labels = models.JSONField(default=list)
    cells = models.JSONField(default=list)  # counts, or null where suppressed
    row_totals = models.JSONField(default=list)
    column_totals = models.JSONField(default=list)
    # Null when withheld, and for releases made before the grand total was part of the suppression.
    grand_total = models.PositiveIntegerField(_("总计"), null=True, blank=True)
    hidden = models.PositiveIntegerField(_("隐去格数"), default=0)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("开放数据发布")
        verbose_name_plural = _("开放数据发布")

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language; `title` keeps the Chinese one it was published with."""
        template = RELEASE_TITLES.get(self.kind)
        return gettext(template) % {"month": self.period} if template else self.title

    @property
    def display_columns(self) -> list[str]:
        # Score bands are stored as their Chinese msgids; category names are data and come back unchanged.
        return [gettext(label) if label else label for label in self.column_labels]


class ReleaseFeedback(models.Model):
    """Public feedback on a release (a suspected error, a request for more detail)."""

    release = models.ForeignKey(OpenRelease, on_delete=models.CASCADE, related_name="feedback")
    message = models.CharField(_("意见"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.message[:40]
