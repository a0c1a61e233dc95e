"""Mounted at /cases/notifications/, the inbox's historical address (residents and staff alike use it)."""

from django.urls import path

from grassroots.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("channels/", views.channels, name="channels"),
]
