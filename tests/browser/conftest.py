"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Every page a journey visits is checked with axe-core (``assert_accessible(page)``).
Outside CI a missing Chromium skips these tests with the reason; under CI=true it fails.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

from tests.browser.helpers import AXE_JS, CHROMIUM, sign_in

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Mark browser tests, and give each a live database restored to what migrations made
    (Wagtail's tree, minimum wage rates, workflows) after the previous test's flush."""
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if not AXE_JS.exists():
        return "axe-core not installed (npm install)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests cannot run under CI: {reason}")
        pytest.skip(f"Browser test skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _new_context(browser, live_server, **options):
    ctx = browser.new_context(base_url=live_server.url, **options)
    ctx.add_init_script(path=str(AXE_JS))  # injected outside the page's CSP
    ctx.set_default_timeout(15_000)
    return ctx


@pytest.fixture
def context(browser, live_server):
    ctx = _new_context(browser, live_server, viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def phone(browser, live_server):
    """A browser context the size of a phone (375 px wide, touch)."""
    ctx = _new_context(browser, live_server, viewport={"width": 375, "height": 740}, is_mobile=True,
                       has_touch=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def browser_login(context, live_server):
    """browser_login(user): the browser context is signed in as ``user``."""
    return lambda user: sign_in(context, live_server, user)
