"""The Wagtail admin under its Content Security Policy (portal/core/middleware.py): the pages
editors and coordinators use, the preview panel, a date picker, an inline panel and a chooser
work, and Chromium reports no violation of the policy."""

import datetime

from django.urls import reverse

from portal.accounts.roles import sync_role_groups
from tests.factories.payments import FundBudgetFactory
from tests.factories.reference import ProgrammeFactory, UserFactory


def test_the_admin_works_under_its_content_security_policy(page, browser_login):
    from brokerage.payments.models import IncentiveScheme
    from cms.demo import home_page_ensure

    sync_role_groups()
    home = home_page_ensure()
    budget = FundBudgetFactory()
    scheme = IncentiveScheme.objects.create(
        programme=ProgrammeFactory(), name="Sustained job incentive", starts_from=datetime.date(2026, 1, 1))
    browser_login(UserFactory(is_superuser=True, is_staff=True))
    violations = []
    page.on("console", lambda m: violations.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text else None)

    for url in [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[home.pk]),
        reverse("wagtailsnippets_enquiries_routingrule:list"),
        reverse("wagtailadmin_reports:site_history"),
        "/django-admin/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert "content-security-policy" in response.headers, url

    # The preview panel frames the page's preview (the public page, framed by the admin).
    page.goto(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    page.click("[data-side-panel-toggle='preview']")
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => f.src.includes('/preview/'))")
    page.wait_for_timeout(1000)
    previews = [f for f in page.frames if "/edit/preview/" in f.url]
    assert previews, [f.url for f in page.frames]  # a blocked frame shows chrome-error:// instead
    assert home.title in previews[0].content()

    # A date field's picker and an inline panel's "Add" (both set up by inline scripts).
    page.goto(reverse("wagtailsnippets_payments_fundbudget:edit", args=[budget.pk]))
    page.click("input[name=starts_on]")
    page.wait_for_selector(".xdsoft_datetimepicker", state="visible")
    page.goto(reverse("wagtailsnippets_payments_incentivescheme:edit", args=[scheme.pk]))
    added = page.locator("[data-inline-panel-child]").count()
    page.locator("button[id$='-ADD']").first.click()
    page.wait_for_function(f"() => document.querySelectorAll('[data-inline-panel-child]').length > {added}")

    # A chooser modal (loaded by script into the page).
    page.goto(reverse("wagtailsnippets_enquiries_routingrule:add"))
    page.locator("button:has-text('Choose')").first.click()
    page.wait_for_selector(".modal #search-results", state="visible")

    assert violations == []
