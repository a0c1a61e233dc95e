from django.urls import path

from grassroots.sharing import views

app_name = "open"
urlpatterns = [
    path("", views.releases, name="releases"),
    path("publish/", views.publish, name="publish"),
    path("<int:release_id>/", views.release, name="release"),
    path("<int:release_id>/download.<str:fmt>", views.download, name="download"),
]
