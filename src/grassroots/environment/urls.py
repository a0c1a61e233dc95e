from django.urls import path  # noqa: F401  (each concern adds its pages here)

from grassroots.environment import token_views

app_name = "environment"
urlpatterns: list = [
    path("tokens/", token_views.tokens_page, name="tokens"),
    path("tokens/<int:ingest_token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
]

from grassroots.environment import lab_views  # noqa: E402

urlpatterns += [path("lab-imports/", lab_views.lab_import, name="lab_import")]
