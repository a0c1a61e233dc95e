from django.urls import path

from grassroots.cases import evidence_views, views

app_name = "cases"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("new/", views.new_case, name="new"),
    path("routing/", views.routing, name="routing"),
    path("hotline/", views.hotline_import, name="hotline"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/act/<str:verb>/", views.act, name="act"),
    path("evidence/<int:evidence_id>/", evidence_views.evidence, name="evidence"),
]
