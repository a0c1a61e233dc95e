from django.urls import path

from grassroots.environment import alert_views, lab_views, station_views, token_views

app_name = "environment"
urlpatterns: list = [
    path("tokens/", token_views.tokens_page, name="tokens"),
    path("tokens/<int:ingest_token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
]
urlpatterns += [path("lab-imports/", lab_views.lab_import, name="lab_import")]
urlpatterns += [  # alerts, rules, maintenance tasks and the firm's page (alert_views.py)
    path("alerts/", alert_views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/", alert_views.alert_detail, name="alert"),
    path("rules/", alert_views.rule_list, name="rules"),
    path("tasks/", alert_views.task_list, name="tasks"),
    path("tasks/<int:task_id>/close/", alert_views.task_close, name="task"),
    path("firm/", alert_views.firm, name="firm"),
]
urlpatterns += [  # the station map and list, a station's page, registering and editing (station_views.py)
    path("stations/", station_views.station_list, name="stations"),
    path("stations/new/", station_views.station_new, name="station_new"),
    path("stations/<int:station_id>/", station_views.station, name="station"),
    path("stations/<int:station_id>/edit/", station_views.station_edit, name="station_edit"),
    path("stations/<int:station_id>/datastreams/", station_views.station_streams, name="station_streams"),
]
