"""Elasticsearch documents for opportunities and participants, with explicit mappings.

Text is analysed with ``settings.SEARCH_TEXT_ANALYZER`` (``english`` unless set; a node
without Elastic's analysis-common module can use the built-in ``standard``); vocabularies
(sector, licences, skills, adjustments…) are ``keyword`` facets; places are ``geo_point``s at
the outward-code centroid; eligibility ranges are ``integer_range``s. Participant documents
hold the anonymised profile only: no name, date of birth is kept as a date for the age filter,
no contact details.
"""

from __future__ import annotations

from django.conf import settings
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Float,
    Integer,
    IntegerRange,
    Keyword,
    Text,
)
from elasticsearch_dsl import (
    GeoPoint as GeoPointField,
)

from brokerage.reference.vocabulary import (
    licences_normalise,
    sector_normalise,
    sectors_normalise,
    skills_normalise,
)
from search.scoring import DEFAULT_TRAVEL_MILES, MAX_TRAVEL_MILES

TEXT_ANALYZER = settings.SEARCH_TEXT_ANALYZER

INDEX_SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0}


def _point(lat, lon) -> dict | None:
    if lat is None or lon is None:
        return None
    return {"lat": lat, "lon": lon}


def _range(low, high) -> dict:
    out = {}
    if low is not None:
        out["gte"] = low
    if high is not None:
        out["lte"] = high
    return out


class OpportunityDocument(Document):
    pk = Integer()  # the tie-break when scores are equal (sorting on _id is not allowed)
    title = Text(analyzer=TEXT_ANALYZER, fields={"raw": Keyword()})
    description = Text(analyzer=TEXT_ANALYZER)
    employer_name = Text(analyzer=TEXT_ANALYZER, fields={"raw": Keyword()})
    postcode = Keyword()
    opportunity_type = Keyword()
    sector = Keyword()
    status = Keyword()
    programme_id = Integer()
    ring_fenced = Boolean()
    age_limited = Boolean()
    age = IntegerRange()
    required_licences = Keyword()
    essential_skills = Keyword()
    desirable_skills = Keyword()
    adjustments = Keyword()
    remote = Boolean()
    location = GeoPointField()
    hours = Float()
    start_date = Date()
    closing_date = Date()
    rolling = Boolean()
    places_left = Integer()

    class Index:
        name = "opportunities"
        settings = INDEX_SETTINGS

    @classmethod
    def from_model(cls, opp) -> OpportunityDocument:
        doc = cls(
            meta={"id": opp.pk},
            pk=opp.pk,
            title=opp.title,
            description=opp.description,
            employer_name=opp.employer.name if opp.show_employer_name else "",
            postcode=opp.postcode,
            opportunity_type=opp.opportunity_type,
            sector=sector_normalise(opp.sector) or None,
            status=opp.status,
            programme_id=opp.programme_id,
            ring_fenced=opp.ring_fenced and opp.programme_id is not None,  # no programme: open to all
            age_limited=opp.min_age is not None or opp.max_age is not None,
            required_licences=licences_normalise(opp.required_licences),
            essential_skills=sorted(skills_normalise(opp.essential_skills)),
            desirable_skills=sorted(skills_normalise(opp.desirable_skills)),
            adjustments=list(opp.adjustments or []),
            remote=opp.remote,
            location=_point(opp.latitude, opp.longitude),
            hours=float(opp.hours_per_week) if opp.hours_per_week is not None else None,
            start_date=opp.start_date,
            closing_date=opp.closing_date,
            rolling=opp.rolling,
            places_left=opp.places_left,
        )
        if opp.min_age is not None or opp.max_age is not None:
            doc.age = _range(opp.min_age, opp.max_age)
        return doc


class ParticipantDocument(Document):
    pk = Integer()
    reference = Keyword()
    programme_id = Integer()
    area_id = Integer()
    key_worker_id = Integer()
    supporting_worker_ids = Integer()
    readiness = Keyword()
    status = Keyword()
    date_of_birth = Date()
    outward_code = Keyword()
    location = GeoPointField()
    travel_limit_miles = Integer()
    licences = Keyword()
    skills = Keyword()
    skills_text = Text(analyzer=TEXT_ANALYZER)
    sector_interests = Keyword()
    adjustments_needed = Keyword()
    hours = IntegerRange()
    available_from = Date()
    #: Eligible for the programme when indexed (``search.eligibility``; re-indexed when the
    #: programme's rules change); matching checks it again as it stands now.
    eligible = Boolean()

    class Index:
        name = "participants"
        settings = INDEX_SETTINGS

    @classmethod
    def from_model(cls, p) -> ParticipantDocument:
        limit = min(p.max_travel_miles if p.max_travel_miles is not None else DEFAULT_TRAVEL_MILES, MAX_TRAVEL_MILES)
        from search.eligibility import participant_eligible_now

        skills = sorted(skills_normalise(p.skills))
        doc = cls(
            meta={"id": p.pk},
            pk=p.pk,
            reference=p.reference,
            programme_id=p.programme_id,
            area_id=p.area_id,
            key_worker_id=p.key_worker_id,
            supporting_worker_ids=[u.pk for u in p.supporting_workers.all()],
            readiness=p.readiness,
            status=p.status,
            date_of_birth=p.date_of_birth,
            outward_code=p.outward_code,
            location=_point(p.latitude, p.longitude),
            travel_limit_miles=limit,
            licences=licences_normalise(p.licences),
            skills=skills,
            skills_text=" ".join(skills),
            sector_interests=sectors_normalise(p.sector_interests),
            adjustments_needed=list(p.adjustments_needed or []),
            available_from=p.available_from,
            eligible=participant_eligible_now(p),
        )
        if p.hours_min is not None or p.hours_max is not None:
            doc.hours = _range(p.hours_min, p.hours_max)
        return doc


DOCUMENTS = {
    "opportunities.opportunity": OpportunityDocument,
    "participants.participant": ParticipantDocument,
}
