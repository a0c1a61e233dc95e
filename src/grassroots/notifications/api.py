"""The inbox and channel choices over the API, mounted at /api/v1/cases/notifications (its historical path)."""

from django.http import HttpRequest
from ninja import Router

from grassroots.core.errors import NotFound
from grassroots.core.schemas import errors
from grassroots.core.time import now
from grassroots.notifications import services
from grassroots.notifications.models import Notification
from grassroots.notifications.schemas import ChannelOut, ChannelsIn, NotificationOut

router = Router(tags=["notifications"])


@router.get("", response=list[NotificationOut])
def notifications(request: HttpRequest, unread: bool = False):
    qs = Notification.objects.filter(user=request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:100])


@router.post("/{notification_id}/read", response={200: NotificationOut, **errors(404)})
def read_notification(request: HttpRequest, notification_id: int):
    updated = Notification.objects.filter(pk=notification_id, user=request.auth).update(read_at=now())
    if not updated:
        raise NotFound()
    return Notification.objects.get(pk=notification_id)


@router.get("/channels", response=list[ChannelOut])
def channels(request: HttpRequest):
    """Each topic with the caller's e-mail choice; in-app is always on."""
    return services.channel_choices(request.auth)


@router.put("/channels", response={200: list[ChannelOut], **errors(400, 422)})
def set_channels(request: HttpRequest, payload: ChannelsIn):
    """Only the topics listed change; an unknown topic is refused (400) and nothing is saved."""
    return services.set_channel_choices(request.auth, {c.topic: c.email for c in payload.choices})
