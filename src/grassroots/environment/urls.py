from django.urls import path  # noqa: F401  (each concern adds its pages here)

app_name = "environment"
urlpatterns: list = []

from grassroots.environment import station_views  # noqa: E402

urlpatterns += [
    path("stations/", station_views.station_list, name="stations"),
    path("stations/new/", station_views.station_new, name="station_new"),
    path("stations/<int:station_id>/", station_views.station, name="station"),
    path("stations/<int:station_id>/edit/", station_views.station_edit, name="station_edit"),
]
