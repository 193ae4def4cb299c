"""The people index on Elasticsearch (used when ELASTICSEARCH_URL is set).

One document per person, built from the same privacy-filtered `PersonDoc` the database
backend stores. Every audience-dependent value is stored twice, `*_public` (what anyone may
see) and `*_member` (what signed-in members may see); a hidden field is in neither. Queries
for a visitor only ever name `*_public` fields, so members-only values cannot match, show or
count for them.
"""

from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Float,
    Integer,
    Keyword,
    Long,
    Object,
    Text,
    analyzer,
    token_filter,
    tokenizer,
)

# Names: exact words, plus edge n-grams so that "har" finds Hartley as it is typed.
name_text = analyzer("person_name", tokenizer="standard", filter=["lowercase", "asciifolding"])
name_prefix = analyzer(
    "person_name_prefix",
    tokenizer=tokenizer(
        "person_name_edge",
        "edge_ngram",
        min_gram=2,
        max_gram=15,
        token_chars=["letter", "digit"],
    ),
    filter=["lowercase", "asciifolding"],
)
# Prose: English stemming, like the database backends (porter / 'english').
hub_text = analyzer(
    "hub_text",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", "porter_stem"],
)


def skill_search_analyzer(synonyms: list[str]):
    """Search-time analyser that expands skill synonyms ("send, special educational needs")."""
    return analyzer(
        "skill_search",
        tokenizer="standard",
        filter=[
            "lowercase",
            "asciifolding",
            token_filter("skill_synonyms", "synonym_graph", synonyms=synonyms or ["x, x"]),
            "porter_stem",
        ],
    )


def skill_synonym_rules() -> list[str]:
    """One Solr-style rule per vocabulary skill: "budget setting, budgets, revenue budget"."""
    from accounts.models import Skill

    rules = []
    for skill in Skill.objects.all():
        words = [skill.name.lower(), *(s.lower() for s in skill.synonym_list)]
        words = [w.replace(",", " ") for w in words if w]
        if len(words) > 1:
            rules.append(", ".join(words))
    return rules


def person_document_class(synonyms: list[str]):
    """The Document class, with the synonyms of the skills vocabulary at index creation time."""
    skills_search = skill_search_analyzer(synonyms)

    def text():
        return Text(analyzer=hub_text)

    def skills_text():
        return Text(analyzer=hub_text, search_analyzer=skills_search)

    class PersonDocument(Document):
        """A person in the expert finder; see the module docstring for the two audiences."""

        profile_id = Long()
        user_id = Long()
        handle = Keyword()
        name = Text(
            analyzer=name_text,
            fields={
                "prefix": Text(analyzer=name_prefix, search_analyzer=name_text),
                "raw": Keyword(),
            },
        )
        headline_public = text()
        headline_member = text()
        skills_text_public = skills_text()
        skills_text_member = skills_text()
        body_public = text()
        body_member = text()
        job_title_public = Keyword(index=False)
        job_title_member = Keyword(index=False)
        organisation_public = Keyword(index=False)
        organisation_member = Keyword(index=False)
        kind_public = Keyword()
        kind_member = Keyword()
        tier_public = Keyword()
        tier_member = Keyword()
        sector_public = Keyword()
        sector_member = Keyword()
        skills_public = Keyword()
        skills_member = Keyword()
        interests_public = Keyword()
        interests_member = Keyword()
        communities = Keyword()
        peer_status = Keyword()
        peer_accredited = Boolean()
        peer_areas = Keyword()
        availability = Keyword()
        contributions = Integer()
        contribution_summary = Object(enabled=False)
        standing = Float()
        last_active = Long()
        last_active_at = Date()

    return PersonDocument


def document_body(doc) -> dict:
    """A `PersonDoc` as the Elasticsearch document's source."""
    from datetime import UTC, datetime

    def both(value: str, vis: int) -> tuple[str, str]:
        return (value if vis == 0 else "", value)

    job_public, job_member = both(doc.job_title, doc.job_title_vis)
    org_public, org_member = both(doc.organisation_name, doc.organisation_vis)
    kind_public, kind_member = both(doc.organisation_kind, doc.organisation_vis)
    tier_public, tier_member = both(doc.organisation_tier, doc.organisation_vis)
    sector_public, sector_member = both(doc.sector, doc.sector_vis)
    return {
        "profile_id": doc.profile_id,
        "user_id": doc.user_id,
        "handle": doc.handle,
        "name": doc.name,
        "headline_public": doc.headline_pub,
        "headline_member": f"{doc.headline_pub} {doc.headline_mem}".strip(),
        "skills_text_public": doc.skills_pub,
        "skills_text_member": f"{doc.skills_pub} {doc.skills_mem}".strip(),
        "body_public": doc.body_pub,
        "body_member": f"{doc.body_pub} {doc.body_mem}".strip(),
        "job_title_public": job_public,
        "job_title_member": job_member,
        "organisation_public": org_public,
        "organisation_member": org_member,
        "kind_public": kind_public or None,
        "kind_member": kind_member or None,
        "tier_public": tier_public or None,
        "tier_member": tier_member or None,
        "sector_public": sector_public or None,
        "sector_member": sector_member or None,
        "skills_public": [v for k, v, vis in doc.terms if k == "skill" and vis == 0],
        "skills_member": [v for k, v, vis in doc.terms if k == "skill"],
        "interests_public": [v for k, v, vis in doc.terms if k == "interest" and vis == 0],
        "interests_member": [v for k, v, vis in doc.terms if k == "interest"],
        "communities": [v for k, v, vis in doc.terms if k == "community"],
        "peer_status": doc.peer_status or None,
        "peer_accredited": doc.peer_accredited,
        "peer_areas": [a for a in doc.peer_areas.split(",") if a],
        "availability": doc.availability,
        "contributions": doc.contributions,
        "contribution_summary": doc.contribution_summary,
        "standing": doc.standing,
        "last_active": doc.last_active,
        "last_active_at": datetime.fromtimestamp(doc.last_active, tz=UTC).isoformat() if doc.last_active else None,
    }
