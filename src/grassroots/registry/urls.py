from django.urls import path

from grassroots.registry import edit_views, entry, views

app_name = "registry"
urlpatterns = [
    path("persons/", views.persons, name="persons"),
    path("persons/new/", entry.new_person, name="person_new"),
    path("houses/new/", entry.new_house, name="house_new"),
    path("persons/search/", views.person_search, name="person_search"),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("persons/<int:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("persons/<int:person_id>/tags/", views.person_tag, name="person_tag"),
    path("persons/<int:person_id>/account/", views.person_account, name="person_account"),
    path("houses/", views.houses, name="houses"),
    path("houses/search/", views.house_search, name="house_search"),
    path("houses/<int:house_id>/", views.house_detail, name="house"),
    path("legal-persons/", views.legal_persons, name="legal_persons"),
    path("legal-persons/<int:entity_id>/", views.legal_person_detail, name="legal_person"),
    path("export/<str:kind>/", views.export, name="export"),
    # Editing (registry/edit_views.py)
    path("persons/<int:person_id>/edit/", edit_views.person_edit, name="person_edit"),
    path("persons/<int:person_id>/move/", edit_views.person_move, name="person_move"),
    path("persons/<int:person_id>/departure/", edit_views.person_departure, name="person_departure"),
    path("persons/<int:person_id>/history/", edit_views.person_history, name="person_history"),
    path("houses/<int:house_id>/edit/", edit_views.house_edit, name="house_edit"),
    path("households/<int:household_id>/", edit_views.household_edit, name="household_edit"),
    path("legal-persons/<int:entity_id>/edit/", edit_views.legal_person_edit, name="legal_person_edit"),
]
