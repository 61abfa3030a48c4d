"""With the demo data, each demo user follows every link the portal shows them (breadth first,
up to a limit): no page fails, and no link they are shown leads to a page they cannot open."""

import io
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from portal.accounts.models import User

pytestmark = pytest.mark.django_db

DEMO_USERS = ["employer@example.org", "partner@example.org", "keyworker@example.org", "coordinator@example.org",
              "finance@example.org", "editor@example.org", "moderator@example.org"]
PAGES_PER_USER = 300
# Links that do something, leave the portal's pages, or download files rather than show a page.
SKIP = re.compile(r"^/(admin|accounts/logout|static|media|documents|stripe)/|\.(csv|json)$|/print/$|/export")
HREF = re.compile(r'href="([^"#]*)"')


def _crawl(client) -> list[str]:
    problems, seen = [], {"/dashboard/", "/"}
    queue = deque([("/dashboard/", "start"), ("/", "start")])
    while queue and len(seen) <= PAGES_PER_USER:
        path, found_on = queue.popleft()
        response = client.get(path, follow=True)
        if response.status_code != 200:
            problems.append(f"{path} (linked from {found_on}) gave {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        here = response.redirect_chain[-1][0] if response.redirect_chain else path
        for href in HREF.findall(response.content.decode()):
            url = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            if url not in seen:
                seen.add(url)
                queue.append((url, here))
    assert len(seen) > 20, f"only {sorted(seen)} were found to visit"
    return problems


@pytest.mark.parametrize("email", DEMO_USERS)
def test_every_link_a_demo_user_is_shown_opens(client, email):
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(email=email))
    assert _crawl(client) == []
