from django.urls import re_path

from grassroots.open311 import views

FMT = r"\.(?P<fmt>[a-z]+)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery),
    re_path(r"^services" + FMT, views.services),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, views.service_definition),
    re_path(r"^requests" + FMT, views.requests_collection),
    re_path(r"^requests/(?P<request_id>[\w-]+)" + FMT, views.request_detail),
    re_path(r"^tokens/(?P<token_id>[\w-]+)" + FMT, views.token),
]
