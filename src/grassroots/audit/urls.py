from django.urls import path

from grassroots.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("entries/<int:leaf_index>/proof.json", views.proof, name="proof"),
    path("checkpoint.txt", views.checkpoint, name="checkpoint"),
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("checkpoints/<int:size>.txt", views.checkpoint_download, name="checkpoint_download"),
]
