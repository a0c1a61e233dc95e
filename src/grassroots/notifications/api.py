"""The inbox and channel choices over the API, mounted at /api/v1/cases/notifications (its historical path)."""

from django.http import HttpRequest
from ninja import Router

from grassroots.core.schemas import errors
from grassroots.notifications import queries, services
from grassroots.notifications.schemas import ChannelOut, ChannelsIn, NotificationOut

router = Router(tags=["notifications"])


@router.get("", response=list[NotificationOut])
def notifications(request: HttpRequest, unread: bool = False):
    return list(queries.inbox(request.auth, unread=unread)[: queries.INBOX_SIZE])


@router.post("/{notification_id}/read", response={200: NotificationOut, **errors(404)})
def read_notification(request: HttpRequest, notification_id: int):
    return services.mark_read(request.auth, notification_id)


@router.get("/channels", response=list[ChannelOut])
def channels(request: HttpRequest):
    """Each topic with the caller's e-mail choice; in-app is always on."""
    return services.channel_choices(request.auth)


@router.put("/channels", response={200: list[ChannelOut], **errors(400, 422)})
def set_channels(request: HttpRequest, payload: ChannelsIn):
    """Only the topics listed change; an unknown topic is refused (400) and nothing is saved."""
    return services.set_channel_choices(request.auth, {c.topic: c.email for c in payload.choices})
