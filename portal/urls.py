from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as WagtailSitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern
from wagtail.views import serve as wagtail_serve

from brokerage.api.api import api as partner_api
from brokerage.opportunities.sitemaps import OpportunitySitemap
from brokerage.reference.programme_admin import ProgrammeScopedSiteHistoryView
from portal.accounts import views as account_views
from portal.core import public_cache
from portal.core import views as core_views

# One way in: every sign-in goes through allauth (rate limits, two-factor authentication).
# The admin sites' and Wagtail's own sign-in, sign-out and password pages are answered here,
# before the libraries' URLs, so their password forms are never reachable.
_ONE_WAY_IN = [
    path("admin/login/", account_views.wagtail_admin_login, name="accounts_wagtail_admin_login"),
    path("admin/logout/", allauth_views.logout),
    path("django-admin/login/", account_views.django_admin_login, name="accounts_django_admin_login"),
    path("django-admin/logout/", allauth_views.logout),
    path("django-admin/password_change/", RedirectView.as_view(pattern_name="account_change_password")),
    path("_util/login/", account_views.frontend_login, name="accounts_frontend_login"),
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Wagtail pages and live public opportunities, for search engines.
    path("sitemap.xml", sitemap_views.sitemap,
         {"sitemaps": {"pages": WagtailSitemap, "opportunities": OpportunitySitemap}},
         name="sitemap"),
    path("dashboard/", core_views.dashboard, name="core_dashboard"),
    path("assets/<path:path>", core_views.govuk_asset),
    *_ONE_WAY_IN,
    # Superusers' screens: staff scopes (partner, programmes, areas), teams, read-only money records.
    path("django-admin/", admin.site.urls),
    # Wagtail's "Site history" report, less other programmes' rules for a coordinator limited to
    # some (brokerage/reference/programme_admin.py), at its own address.
    path("admin/reports/site-history/",
         never_cache(require_admin_access(ProgrammeScopedSiteHistoryView.as_view()))),
    path("admin/reports/site-history/results/",
         never_cache(require_admin_access(ProgrammeScopedSiteHistoryView.as_view(results_only=True)))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    # Domain apps own their full paths (e.g. /employers/enquire/, /partner/enquiries/).
    path("", include("brokerage.employers.urls")),
    path("", include("brokerage.enquiries.urls")),
    path("", include("brokerage.opportunities.urls")),
    path("", include("brokerage.participants.urls")),
    path("", include("brokerage.pipeline.urls")),
    path("", include("brokerage.payments.urls")),
    path("", include("brokerage.reporting.urls")),
    path("", include("brokerage.retention.urls")),
    path("", include("brokerage.messaging.urls")),
    path("", include("search.urls")),
    path("", include("brokerage.api.urls")),  # /partner/api-tokens/
    path("api/v1/", partner_api.urls),  # the partner API (docs/api.md)
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Public files only (Wagtail images and documents). Uploaded evidence lives outside
    # MEDIA_ROOT (PRIVATE_MEDIA_ROOT) and is handed out only by views that check the viewer's
    # rights (portal/core/files.py), so nothing here can reach it.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Front-door pages: anonymous visitors are served from the shared cache
# (portal/core/public_cache.py), before Wagtail's own pattern for the same URLs.
_cached_serve = public_cache.cache_public_page(
    public_cache.PAGES, public_cache.SETTINGS, public_cache.PARTNERS,
    params=("page", "partner_type", "area"),
)(wagtail_serve)
urlpatterns += [
    re_path(serve_pattern, _cached_serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
