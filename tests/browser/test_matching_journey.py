"""K2 (part): a key worker opens a job-ready participant's matches, reads why, archives one,
then changes their mind and restores it."""

from search.models import ArchivedMatch
from tests.browser.helpers import assert_accessible, job_ready_person_and_two_jobs


def test_key_worker_reads_reasons_and_archives_a_match(page, browser_login, live_server):
    person, labourer, _ = job_ready_person_and_two_jobs()
    browser_login(person.key_worker)

    page.goto(f"/participants/{person.reference}/matches/")
    assert page.locator("h1").inner_text() == "Matching opportunities"
    first = page.locator(".govuk-summary-card").first
    assert "Site labourer" in first.inner_text()
    assert "8 miles — within 15" in first.inner_text()
    assert "holds CSCS card" in first.inner_text()
    assert "wants construction" in first.inner_text()
    assert_accessible(page)

    first.get_by_role("link", name="Archive the match with Site labourer").click()
    assert_accessible(page)
    page.get_by_label("Why is this not a good match? (optional)").fill("Already applied there")
    page.get_by_role("button", name="Archive match").click()
    page.wait_for_url(f"**/participants/{person.reference}/matches/")
    assert "Match archived" in page.content()
    assert page.locator(".govuk-summary-card").count() == 1
    assert "Shop assistant" in page.locator(".govuk-summary-card").first.inner_text()
    assert_accessible(page)
    assert ArchivedMatch.objects.filter(participant=person, opportunity=labourer).exists()

    page.get_by_role("link", name="Archived matches (1)").click()
    assert "Already applied there" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Restore the match with Site labourer").click()
    assert "Match restored" in page.content()
    page.get_by_role("link", name="Back to the matches").click()
    assert page.locator(".govuk-summary-card").count() == 2
    assert not ArchivedMatch.objects.exists()
