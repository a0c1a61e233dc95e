from django.urls import path  # noqa: F401  (each concern adds its pages here)

app_name = "environment"
urlpatterns: list = []

from grassroots.environment import lab_views  # noqa: E402

urlpatterns += [path("lab-imports/", lab_views.lab_import, name="lab_import")]
