"""Elasticsearch mappings and generated queries, checked without a cluster."""

import datetime
from unittest import mock

from brokerage.participants.visibility import ParticipantScope
from search import queries
from search.backends.base import MatchFilters
from search.backends.elasticsearch import ElasticsearchBackend
from search.documents import OpportunityDocument, ParticipantDocument
from search.scoring import WEIGHTS, Offer, Seeker

TODAY = datetime.date(2026, 3, 2)


def test_opportunity_mapping_is_explicit():
    props = OpportunityDocument._doc_type.mapping.to_dict()["properties"]
    assert props["title"]["type"] == "text" and props["title"]["analyzer"] == "english"
    assert props["title"]["fields"]["raw"]["type"] == "keyword"
    assert props["location"]["type"] == "geo_point"
    assert props["sector"]["type"] == "keyword"
    assert props["required_licences"]["type"] == "keyword"
    assert props["age"]["type"] == "integer_range"
    assert props["start_date"]["type"] == "date"


def test_participant_mapping_has_no_names():
    props = ParticipantDocument._doc_type.mapping.to_dict()["properties"]
    assert props["location"]["type"] == "geo_point"
    assert props["hours"]["type"] == "integer_range"
    assert not {"first_name", "last_name", "email", "phone", "ni_number"} & set(props)


def _seeker(**kw):
    base = dict(pk=1, programme_id=7, readiness="job_ready", date_of_birth=datetime.date(1996, 1, 1),
                latitude=54.56, longitude=-1.32, max_travel_miles=15, licences=frozenset({"cscs"}),
                skills=frozenset({"forklift"}), sectors=frozenset({"construction"}))
    base.update(kw)
    return Seeker(**base)


def test_opportunity_query_filters_and_scores():
    body = queries.opportunity_match_query(
        _seeker(), filters=MatchFilters(sector="construction"), today=TODAY, exclude_ids=[5]
    )
    fs = body["query"]["function_score"]
    filters = fs["query"]["bool"]["filter"]
    assert {"term": {"status": "live"}} in filters
    assert {"range": {"places_left": {"gte": 1}}} in filters
    assert {"term": {"sector": "construction"}} in filters
    geo = [c for c in filters if "bool" in c and any("geo_distance" in s for s in c["bool"]["should"])][0]
    assert geo["bool"]["should"][1]["geo_distance"]["distance"] == "15.025mi"
    age = [c for c in filters if "bool" in c and {"term": {"age": 30}} in c["bool"]["should"]]
    assert age, "age range term on the integer_range"
    must_not = fs["query"]["bool"]["must_not"]
    assert {"terms": {"required_licences": ["driving", "hgv"]}} in must_not
    assert {"ids": {"values": ["5"]}} in must_not
    weights = [f.get("weight") for f in fs["functions"]]
    assert WEIGHTS["skills"] in weights and WEIGHTS["sector"] in weights
    assert any("linear" in f for f in fs["functions"])
    assert fs["score_mode"] == "sum" and fs["boost_mode"] == "replace"


def test_participant_query_filters_travel_limits_without_scripts_and_age_dates():
    offer = Offer(pk=3, programme_id=7, ring_fenced=True, min_age=18, max_age=24, latitude=54.5, longitude=-1.5,
                  required_licences=frozenset({"hgv", "cscs"}), sector="logistics")
    scope = ParticipantScope()  # nobody: needs no database
    body = queries.participant_match_query(offer, filters=MatchFilters(), today=TODAY, scope=scope)
    filters = body["query"]["function_score"]["query"]["bool"]["filter"]
    assert {"terms": {"readiness": ["job_ready"]}} in filters
    assert {"term": {"programme_id": 7}} in filters
    assert {"range": {"date_of_birth": {"lte": "2008-03-02", "gt": "2001-03-02"}}} in filters
    assert {"term": {"licences": "hgv"}} in filters
    assert {"term": {"licences": "cscs"}} not in filters  # the fund can buy it: flagged, not hidden
    assert "script" not in str(body)  # painless is a distribution module; the query needs none
    travel = next(c["bool"]["should"] for c in filters if "travel_limit_miles" in str(c))
    assert {"range": {"travel_limit_miles": {"gte": 100}}} in travel  # bounded by the outer filter
    five = next(c for c in travel if {"term": {"travel_limit_miles": 5}} in c.get("bool", {}).get("filter", []))
    assert {"geo_distance": {"distance": "5.015mi", "location": {"lat": 54.5, "lon": -1.5}}} in five["bool"]["filter"]
    assert scope.es_filter() in filters


def test_visibility_filter_for_nobody_matches_nothing():
    assert ParticipantScope.for_user(None).es_filter() == {"bool": {"must_not": {"match_all": {}}}}


def test_backend_index_and_remove_use_the_prefixed_index():
    client = mock.Mock()
    backend = ElasticsearchBackend(url="http://es:9200", prefix="portal", client=client)
    opp = mock.Mock(pk=9, title="Chef", description="", employer=mock.Mock(name="E"), show_employer_name=True,
                    postcode="TS1 1AA", opportunity_type="vacancy", sector="hospitality", status="live",
                    programme_id=None, ring_fenced=False, min_age=None, max_age=None, required_licences=[],
                    essential_skills=["Cooking "], desirable_skills=[], adjustments=[], remote=False,
                    latitude=54.57, longitude=-1.2, hours_per_week=None, start_date=None, closing_date=None,
                    places_left=2)
    backend.index("opportunities.opportunity", opp)
    kwargs = client.index.call_args.kwargs
    assert kwargs["index"] == "portal_opportunity" and kwargs["id"] == "9"
    assert kwargs["document"]["location"] == {"lat": 54.57, "lon": -1.2}
    assert kwargs["document"]["essential_skills"] == ["cooking"]
    backend.remove("opportunities.opportunity", 9)
    client.delete.assert_called_once_with(index="portal_opportunity", id="9")


def test_queries_carry_the_closing_date_and_eligibility_filters():
    """The hard filters added for issue 19 are in the Elasticsearch queries too."""
    body = queries.opportunity_match_query(_seeker(), filters=MatchFilters(), today=TODAY)
    filters = body["query"]["function_score"]["query"]["bool"]["filter"]
    assert {"range": {"closing_date": {"gte": "2026-03-02"}}} in filters[2]["bool"]["should"]
    assert {"term": {"rolling": True}} in filters[2]["bool"]["should"]
    offer = Offer(pk=3, latitude=54.56, longitude=-1.32)
    body = queries.participant_match_query(offer, filters=MatchFilters(), today=TODAY)
    assert {"term": {"eligible": True}} in body["query"]["function_score"]["query"]["bool"]["filter"]
    props = ParticipantDocument._doc_type.mapping.to_dict()["properties"]
    assert props["eligible"]["type"] == "boolean"
    assert OpportunityDocument._doc_type.mapping.to_dict()["properties"]["rolling"]["type"] == "boolean"
