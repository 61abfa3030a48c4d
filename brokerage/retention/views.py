"""Coordinators see how long their programmes keep personal data, what the next nightly run
will change, and the log of every run. The schedules themselves are edited in the admin."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from brokerage.retention import selectors
from portal.accounts.permissions import role_required
from portal.accounts.roles import Role


@role_required(Role.COORDINATOR, message="Only coordinators can see the retention schedule")
def schedule(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [(s, selectors.due_counts(s, now=now)) for s in selectors.schedules_for_user(request.user)]
    runs = Paginator(selectors.recent_runs(limit=500), 20).get_page(request.GET.get("page"))
    return render(request, "retention/schedule.html", {"rows": rows, "page_obj": runs})
