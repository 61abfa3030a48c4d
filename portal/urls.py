from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("dashboard/", core_views.dashboard, name="core_dashboard"),
    path("assets/<path:path>", core_views.govuk_asset),
    path("django-admin/", admin.site.urls),
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
    path("", include("search.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
