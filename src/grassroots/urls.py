from django.contrib import admin
from django.urls import include, path

from grassroots.api import api
from grassroots.site import views as site_views

admin.site.site_header = "基层智慧治理平台 管理后台"
admin.site.site_title = "grassroots"

urlpatterns = [
    path("", site_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("grassroots.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("areas/", include("grassroots.areas.urls")),
    path("registry/", include("grassroots.registry.urls")),
    # The inbox kept its address under /cases/ when notifications became an app of their own.
    path("cases/notifications/", include("grassroots.notifications.urls")),
    path("cases/", include("grassroots.cases.urls")),
    path("portal/", include("grassroots.portal.urls")),
    path("open311/v2/", include("grassroots.open311.urls")),
    path("audit/", include("grassroots.audit.urls")),
    path("open/", include("grassroots.sharing.urls")),
    path("sharing/", include("grassroots.sharing.exchange_urls")),
    path("risk/", include("grassroots.risk.urls")),
    path("environment/", include("grassroots.environment.urls")),
    path("cockpit/", include("grassroots.cockpit.urls")),
]
# No static(settings.MEDIA_URL, ...): the media root holds residents' photos and is never served directly;
# photos go through cases:evidence, which checks who is asking.
