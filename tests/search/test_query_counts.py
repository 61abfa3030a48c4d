"""The match list reads a fixed number of queries however many opportunities there are (and
however many changed since the last read: one query re-reads them, see search.packed)."""

from django.urls import reverse


def test_match_list_query_count_does_not_grow(login, make_participant, make_opportunity, django_assert_max_num_queries):
    person = make_participant()
    client = login(person.key_worker)
    url = reverse("search:participant_matches", args=[person.reference])
    make_opportunity()
    client.get(url)
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    for _ in range(15):
        make_opportunity()
    # The first read after changes re-reads the changed records, in one query however many.
    with django_assert_max_num_queries(len(small.captured_queries) + 1):
        client.get(url)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
