from django.urls import path  # noqa: F401  (each concern adds its pages here)

app_name = "environment"
urlpatterns: list = []
