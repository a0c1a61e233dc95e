from django.urls import path

from grassroots.sharing import exchange_views as views

app_name = "sharing"
urlpatterns = [
    path("", views.catalogue_page, name="catalogue"),
    path("datasets/new/", views.new_dataset, name="dataset_new"),
    path("datasets/<int:dataset_id>/", views.dataset_page, name="dataset"),
    path("datasets/<int:dataset_id>/request/", views.submit_request, name="submit"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
    path("requests/<int:request_id>/<str:step>/", views.decide, name="decide"),
    path("grants/<int:grant_id>/", views.grant_page, name="grant"),
]
