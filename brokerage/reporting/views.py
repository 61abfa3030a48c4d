from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from brokerage.reporting import reports, selectors
from brokerage.reporting.charts import chart_svg
from brokerage.reporting.exports import XLSX_TYPE, table_csv, table_xlsx
from brokerage.reporting.forms import ReportFilterForm
from brokerage.reporting.reports.strands import SAVED_VIEWS
from portal.accounts.permissions import access_required, can_see_reports

reports_required = access_required(can_see_reports, message=None)


@reports_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    programmes = [
        (programme, reports.available_reports(programme))
        for programme in selectors.report_programmes(request.user).prefetch_related("strands")
    ]
    return render(request, "reporting/index.html", {"programmes": programmes})


def _scoped(request: HttpRequest, slug: str, kind: str):
    """The programme, the report kind, the filter form and (when it is valid) the scope."""
    programme = selectors.report_programme_get(request.user, slug)
    report = reports.REPORTS_BY_SLUG.get(kind)
    if report is None or report not in reports.available_reports(programme):
        raise Http404("No such report")
    areas = selectors.report_areas(request.user, programme)
    form = ReportFilterForm(request.GET or None, areas=areas)
    scope = None
    if not request.GET:
        scope = selectors.report_scope(request.user, programme)
    elif form.is_valid():
        scope = selectors.report_scope(
            request.user, programme, date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"], area=form.cleaned_data["area"],
            as_at=form.cleaned_data["as_at"],
        )
    return programme, report, form, scope


@reports_required
@require_GET
def report(request: HttpRequest, slug: str, kind: str, printable: bool = False) -> HttpResponse:
    programme, report, form, scope = _scoped(request, slug, kind)
    tables = reports.report_tables(kind, scope) if scope else []
    blocks = [
        {"table": table, "chart": chart_svg(table, f"chart-{table.slug}")} for table in tables
    ]
    return render(
        request,
        "reporting/report.html",
        {
            "programme": programme,
            "report": report,
            "reports": reports.available_reports(programme),
            "form": form,
            "scope": scope,
            "blocks": blocks,
            "printable": printable,
            "crumbs": [
                ("Reports", reverse("reporting:index")),
                (f"{programme.name}: {report.title}", None),
            ],
            "query": request.GET.urlencode(),
            "seed_note": kind == "outcomes" and programme.slug == "ambition-scr",
            "saved_views": _saved_views(programme, kind),
        },
    )


def _saved_views(programme, kind: str) -> list[tuple[str, str]]:
    """Published tables kept as saved views: (label, query string of the report's filters)."""
    if kind != "strands":
        return []
    views = []
    for label, filters in SAVED_VIEWS.get(programme.slug, []):
        query: dict[str, int] = {}
        for name, value in filters.items():
            query |= {f"{name}_day": value.day, f"{name}_month": value.month,
                      f"{name}_year": value.year}
        views.append((label, urlencode(query)))
    return views


@reports_required
@require_GET
def export(request: HttpRequest, slug: str, kind: str, table: str, fmt: str) -> HttpResponse:
    programme, report, form, scope = _scoped(request, slug, kind)
    if scope is None:
        raise Http404("Fix the filters on the report page first")
    found = next((t for t in reports.report_tables(kind, scope) if t.slug == table), None)
    if found is None:
        raise Http404("No such table")
    area = ", ".join(a.name for a in scope.areas) if scope.restricted else "All areas"
    context = [
        f"Programme: {programme.name}",
        f"Period: {scope.date_from:%-d %B %Y} to {scope.date_to:%-d %B %Y}",
        f"Area: {area}",
        f"As at: the end of {scope.as_at_date:%-d %B %Y}",
        f"Produced: {timezone.localtime():%-d %B %Y %H:%M}",
    ]
    filename = f"{programme.slug}-{found.slug}-{scope.date_from:%Y%m%d}-{scope.date_to:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(
            table_csv(found, context=context), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(table_xlsx(found, context=context), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
