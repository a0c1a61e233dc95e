from django.urls import path

from grassroots.areas import views

app_name = "areas"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("import/", views.import_geojson, name="import"),
    path("<int:region_id>/", views.detail, name="detail"),
    path("<int:region_id>/children/", views.children, name="children"),
    path("<int:region_id>/counts/", views.counts, name="counts"),
    path("<int:region_id>/export.geojson", views.export_geojson, name="export"),
]
