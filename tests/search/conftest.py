"""Fixtures for the search tests: the backends under contract, and a known cast of people."""

import os

import pytest

from accounts.factories import CouncilFactory, OrganisationFactory
from accounts.models import OrganisationKind, Sector, Visibility
from search.factories import person_create
from search.registry import Contribution, PersonFacts, register_people_facts, unregister_people_facts

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")


# The two legs of every contract test: the database always, Elasticsearch when a server is given.
BACKENDS = [
    "database",
    pytest.param(
        "elasticsearch",
        marks=pytest.mark.skipif(
            not ELASTICSEARCH_URL,
            reason="Elasticsearch leg skipped: ELASTICSEARCH_URL is not set",
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend_name(request, settings):
    """Each contract test runs once per backend; Elasticsearch only when a server is given."""
    from search.backends import _backend

    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = ELASTICSEARCH_URL
        settings.SEARCH_INDEX_PREFIX = f"test_{os.getpid()}"
    else:
        settings.ELASTICSEARCH_URL = ""
    _backend.cache_clear()
    yield request.param
    if request.param == "elasticsearch":
        _backend(ELASTICSEARCH_URL).drop()
    _backend.cache_clear()


@pytest.fixture
def contributions():
    """A facts source like the good practice app's: `counts[user_id] = n` good practice pages."""
    counts: dict[int, int] = {}

    def facts(*, user_ids):
        return {
            user_id: PersonFacts(
                contributions=[
                    Contribution(kind="good practice contribution", title=f"Case study {n}")
                    for n in range(counts[user_id])
                ]
            )
            for user_id in user_ids
            if user_id in counts
        }

    register_people_facts("test-contributions", facts)
    yield counts
    unregister_people_facts("test-contributions")


@pytest.fixture
def cast(db, backend_name, contributions):
    """Eight people whose ranking, facets and privacy the contract tests know in advance."""
    unitary = CouncilFactory(name="Northshire Council", tier="unitary")
    district = CouncilFactory(name="Eastvale District Council", tier="district")
    charity = OrganisationFactory(name="Helping Hands Trust", kind=OrganisationKind.VOLUNTARY)
    people = {}
    people["peer"] = person_create(
        first_name="Amelia",
        last_name="Hartley",
        organisation=unitary,
        job_title="Strategic Finance Manager",
        sector=Sector.LOCAL_GOVERNMENT,
        skills=["Budget setting", "Medium-term financial planning"],
        interests=["finance"],
        peer_status="officer",
        peer_accredited=True,
        peer_areas=["finance"],
        availability="available",
    )
    contributions[people["peer"].user_id] = 12
    people["bio_mention"] = person_create(
        first_name="Ben",
        last_name="Okoro",
        organisation=district,
        job_title="Service Designer",
        sector=Sector.LOCAL_GOVERNMENT,
        bio="I design services with residents. Before this I spent a year in finance, then moved "
        "into digital work on housing, waste, libraries and customer contact.",
        skills=["Service design", "User research"],
        interests=["digital inclusion"],
    )
    people["rare"] = person_create(
        first_name="Siobhan",
        last_name="Featherstonehaugh",
        organisation=charity,
        job_title="Community Development Lead",
        sector=Sector.VOLUNTARY,
        skills=["Community engagement"],
        interests=["housing"],
        availability="limited",
    )
    people["send"] = person_create(
        first_name="Carys",
        last_name="Pritchard",
        organisation=unitary,
        job_title="Head of Inclusion",
        sector=Sector.LOCAL_GOVERNMENT,
        skills=["Special educational needs", "Safeguarding"],
        interests=["children's services"],
        availability="available",
    )
    people["private"] = person_create(
        first_name="Dev",
        last_name="Malhotra",
        organisation=district,
        job_title="Epidemiology Lead",
        sector=Sector.HEALTH,
        bio="Expert on zebrafish models and pandemic planning.",
        skills=["Procurement", "Data analysis"],
        interests=["public health"],
        visibility={
            "bio": Visibility.HIDDEN,
            "skills": Visibility.HIDDEN,
            "sector": Visibility.MEMBERS,
            "job_title": Visibility.MEMBERS,
        },
    )
    people["members_bio"] = person_create(
        first_name="Erin",
        last_name="Walsh",
        organisation=charity,
        job_title="Volunteer Coordinator",
        sector=Sector.VOLUNTARY,
        bio="Runs the regional narwhal network for volunteers.",
        skills=["Community engagement", "Workforce planning"],
        interests=["housing"],
        visibility={"bio": Visibility.MEMBERS},
    )
    people["councillor"] = person_create(
        first_name="Harriet",
        last_name="Harwood",
        organisation=district,
        job_title="Cabinet Member for Finance",
        sector=Sector.LOCAL_GOVERNMENT,
        skills=["Budget setting", "Scrutiny"],
        interests=["finance", "leadership"],
        peer_status="councillor",
        peer_areas=["finance", "governance"],
        availability="limited",
    )
    people["planner"] = person_create(
        first_name="Ian",
        last_name="Stevens",
        organisation=unitary,
        job_title="Principal Planning Officer",
        sector=Sector.LOCAL_GOVERNMENT,
        skills=["Local plans", "Net zero"],
        interests=["planning", "climate"],
    )
    # Contributions arrived after the people were first indexed: reindex, as the hub app would.
    from search.services import people_index_update

    people_index_update(user_ids=[p.user_id for p in people.values()])
    return people
