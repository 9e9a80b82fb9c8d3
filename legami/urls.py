"""Root URL configuration. Network pages live under /<network-slug>/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from legami.accounts import urls as accounts_urls
from legami.api.urls import api
from legami.core import views as core_views
from legami.network import account_urls as network_account_urls

# The account pages, in one "accounts" namespace: log-in, password and tokens are the accounts app's; the
# user's networks and accepting an invitation are the network app's (accounts does not import network).
account_patterns = [*accounts_urls.urlpatterns, *network_account_urls.urlpatterns]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("csp-report/", core_views.csp_report, name="csp_report"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include((account_patterns, accounts_urls.app_name))),
    path("platform/", include("legami.network.platform_urls")),
    path("api/v1/", api.urls),
    path("<slug:network_slug>/territory/", include("legami.territory.urls")),
    path("<slug:network_slug>/needs/", include("legami.needs.urls")),
    path("<slug:network_slug>/demands/", include("legami.aggregation.urls")),
    path("<slug:network_slug>/processes/", include("legami.participation.urls")),
    path("<slug:network_slug>/responses/", include("legami.responses.urls")),
    path("<slug:network_slug>/exchange/", include("legami.exchange.urls")),
    path("<slug:network_slug>/activities/", include("legami.activities.urls")),
    path("<slug:network_slug>/referrals/", include("legami.referrals.urls")),
    path("<slug:network_slug>/pacts/", include("legami.pacts.urls")),
    path("<slug:network_slug>/", include("legami.network.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
