"""Helpers for browser tests: ``from tests.browser.helpers import assert_accessible``."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core (WCAG 2.2 A and AA rules) on the page; fail listing every violation."""
    # A click returns once the next page has started; check it whole, not half parsed.
    page.wait_for_load_state("load")
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
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
