"""Helpers for browser tests: ``from tests.browser.helpers import assert_accessible``."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core with its default rules (WCAG 2.2 A and AA and best practices, such as every
    piece of content inside a landmark) on the page; fail listing every violation."""
    # A click returns once the next page has started; check it whole, not half parsed.
    page.wait_for_load_state("load")
    results = page.evaluate("async () => await axe.run(document)")
    violations = results["violations"]
    if violations:
        lines = [f"axe-core found {len(violations)} violation(s) on {context or page.url}:"]
        for v in violations:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
            lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} at {targets}")
        pytest.fail("\n".join(lines))


def link_from_email(message, path_fragment: str) -> str:
    """The first link in an email body containing ``path_fragment`` (e.g. '/confirm-email/')."""
    for url in re.findall(r"https?://[^\s\"'<>]+", message.body):
        if path_fragment in url:
            return url
    raise AssertionError(f"No link containing {path_fragment!r} in: {message.body}")


def sign_in(context, live_server, user) -> None:
    """Sign the browser ``context`` in as ``user`` (a session cookie from the test client)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def job_ready_person_and_two_jobs():
    """Sam Lee, job ready in Stockton (CSCS card, wants construction), and two live jobs: a site
    labourer's 8 miles away that needs a CSCS card, and a shop assistant's in the same outward
    code. Returns (person, labourer, shop)."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from brokerage.opportunities.models import OpportunityStatus
    from brokerage.participants.models import Readiness
    from tests.factories.opportunities import OpportunityFactory
    from tests.factories.participants import ParticipantFactory

    today = timezone.localdate()
    person = ParticipantFactory(
        readiness=Readiness.JOB_READY, consent_employer_profile=True, first_name="Sam", last_name="Lee",
        date_of_birth=today.replace(year=today.year - 28), postcode="TS18 1AA", latitude=54.557901,
        longitude=-1.317546, max_travel_miles=15, licences=["cscs"], sector_interests=["construction"],
        hours_min=20, hours_max=40, assessed_on=today,
    )
    common = {"status": OpportunityStatus.LIVE, "hours_per_week": Decimal("37.5"),
              "start_date": today + datetime.timedelta(days=14)}
    labourer = OpportunityFactory(title="Site labourer", sector="construction", required_licences=["cscs"],
                                  postcode="DL1 1AA", latitude=54.550379, longitude=-1.526809, **common)
    shop = OpportunityFactory(title="Shop assistant", sector="retail", postcode="TS18 1AA",
                              latitude=54.557901, longitude=-1.317546, **common)
    return person, labourer, shop
