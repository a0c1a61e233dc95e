"""The sharing app's notification topics (registered from SharingConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from grassroots.notifications.topics import register_topic

REQUEST = "sharing.request"  # a request's steps: review, decision, withdrawal, overdue
GRANT = "sharing.grant"  # a grant's life: revoked, suspended or resumed, data-error reports


def register() -> None:
    register_topic(REQUEST, _("数据共享申请与审查"))
    register_topic(GRANT, _("数据共享授权与纠错"))
