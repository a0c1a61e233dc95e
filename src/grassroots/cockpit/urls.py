from django.urls import path

from grassroots.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("panels/<str:name>/", views.panel, name="panel"),
]
