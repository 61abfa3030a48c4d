from django.urls import path, re_path

from brokerage.reporting import views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/<slug:slug>/<slug:kind>/", views.report, name="report"),
    path("reports/<slug:slug>/<slug:kind>/print/", views.report, {"printable": True}, name="print"),
    re_path(
        r"^reports/(?P<slug>[-\w]+)/(?P<kind>[-\w]+)/export/(?P<table>[-\w]+)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
]
