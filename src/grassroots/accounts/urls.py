from django.contrib.auth import views as auth_views
from django.urls import path

from grassroots.accounts import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("tokens/", views.tokens, name="tokens"),
]
