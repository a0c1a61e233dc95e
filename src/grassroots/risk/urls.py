from django.urls import path

from grassroots.risk import views

app_name = "risk"
urlpatterns = [
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/<int:warning_id>/", views.warning, name="warning"),
    path("rules/", views.rules, name="rules"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("baseline/", views.baseline_page, name="baseline"),
    path("drivers/", views.drivers, name="drivers"),
]
