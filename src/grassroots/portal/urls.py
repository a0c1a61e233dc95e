from django.urls import path

from grassroots.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("boundaries.geojson", views.boundaries, name="boundaries"),
    path("mine/", views.mine, name="mine"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("me-too/", views.me_too, name="me_too"),
    path("environment/", views.environment, name="environment"),
]
