from django.urls import path  # noqa: F401  (each concern adds its pages here)

from grassroots.environment import station_views, token_views

app_name = "environment"
urlpatterns: list = [
    path("tokens/", token_views.tokens_page, name="tokens"),
    path("tokens/<int:ingest_token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("stations/", station_views.station_list, name="stations"),
    path("stations/new/", station_views.station_new, name="station_new"),
    path("stations/<int:station_id>/", station_views.station, name="station"),
    path("stations/<int:station_id>/edit/", station_views.station_edit, name="station_edit"),
]
