"""What goes into the people index for each profile, shared by both backends.

`person_documents` turns profiles into `PersonDoc`s that already respect privacy: a hidden
field is left out entirely, a members-only field is put in the members-only slots. Backends
store these documents; they never read profiles themselves.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from accounts.models import (
    Availability,
    CouncilTier,
    OrganisationKind,
    PeerArea,
    PeerStatus,
    Profile,
    Sector,
    Skill,
    Visibility,
)
from search.models import LEVEL_MEMBERS, LEVEL_PUBLIC
from search.registry import people_facts

# Recent activity adds to standing, decaying month by month.
MONTH = 30 * 86400.0

VIS_LEVEL = {Visibility.PUBLIC: LEVEL_PUBLIC, Visibility.MEMBERS: LEVEL_MEMBERS}

# Labels used for facets and explanations.
FACET_LABELS = {
    "sector": dict(Sector.choices),
    "kind": dict(OrganisationKind.choices),
    "tier": dict(CouncilTier.choices),
    "availability": dict(Availability.choices),
    "peer": {
        "accredited": "Accredited peer",
        PeerStatus.OFFICER: "Officer peer",
        PeerStatus.COUNCILLOR: "Councillor peer",
    },
}


@dataclass
class PersonDoc:
    """One person as the index sees them. `*_pub` text is for everyone, `*_mem` for members."""

    profile_id: int
    user_id: int
    handle: str
    name: str
    headline_pub: str = ""
    skills_pub: str = ""
    body_pub: str = ""
    headline_mem: str = ""
    skills_mem: str = ""
    body_mem: str = ""
    job_title: str = ""
    job_title_vis: int = 0
    organisation_name: str = ""
    organisation_kind: str = ""
    organisation_tier: str = ""
    organisation_vis: int = 0
    sector: str = ""
    sector_vis: int = 0
    peer_status: str = ""
    peer_accredited: bool = False
    peer_areas: str = ""
    availability: str = ""
    contributions: int = 0
    contribution_summary: dict = field(default_factory=dict)
    standing: float = 0.0
    last_active: int = 0
    terms: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def name_tokens(self) -> set[str]:
        return {word.lower() for word in self.name.replace("-", " ").split() if word}


def standing_for(*, accredited: bool, peer: bool, contributions: int) -> float:
    """How much a person's standing multiplies their text relevance (before activity)."""
    return (1.0 if accredited else 0.3 if peer else 0.0) + 0.4 * math.log1p(contributions)


def peer_phrase(*, accredited: bool, status: str, areas: list[str]) -> str:
    """ "accredited finance and governance peer", "councillor peer", or ""."""
    if not accredited and not status:
        return ""
    labels = dict(PeerArea.choices)
    area_words = [labels[key].lower() for key in areas if key in labels]
    areas_text = ", ".join(area_words[:-1]) + " and " + area_words[-1] if len(area_words) > 1 else "".join(area_words)
    kind = {"officer": "officer", "councillor": "councillor"}.get(status, "")
    words = ["accredited" if accredited else "", areas_text, kind, "peer"]
    return " ".join(word for word in words if word)


def _put(doc: PersonDoc, slot: str, visibility: str, text: str) -> int | None:
    """Append `text` to the slot for its audience; returns the level or None when hidden."""
    level = VIS_LEVEL.get(visibility)
    if level is None or not text:
        return level
    name = f"{slot}_pub" if level == LEVEL_PUBLIC else f"{slot}_mem"
    setattr(doc, name, (getattr(doc, name) + " " + text).strip())
    return level


def person_documents(profiles: Iterable[Profile] | None = None, *, batch_size: int = 2000) -> Iterator[PersonDoc]:
    """Index documents for `profiles` (default: everyone), loading related data in batches."""
    from taggit.models import Tag

    from accounts.models import TaggedInterest, TaggedSkill

    vocabulary = {skill.name.lower(): skill for skill in Skill.objects.all()}
    if profiles is None:
        queryset = Profile.objects.order_by("pk")
        profile_ids = list(queryset.values_list("pk", flat=True))
    else:
        profile_ids = sorted({profile.pk for profile in profiles})
    tag_names = dict(Tag.objects.values_list("pk", "name"))
    for start in range(0, len(profile_ids), batch_size):
        ids = profile_ids[start : start + batch_size]
        batch = list(Profile.objects.filter(pk__in=ids).select_related("user", "user__organisation").order_by("pk"))
        skills: dict[int, list[str]] = defaultdict(list)
        for object_id, tag_id in TaggedSkill.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag_id"
        ):
            skills[object_id].append(tag_names.get(tag_id, ""))
        interests: dict[int, list[str]] = defaultdict(list)
        for object_id, tag_id in TaggedInterest.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag_id"
        ):
            interests[object_id].append(tag_names.get(tag_id, ""))
        facts = people_facts(user_ids=[profile.user_id for profile in batch])
        for profile in batch:
            yield _document(
                profile,
                skills=sorted(skills[profile.pk]),
                interests=sorted(interests[profile.pk]),
                facts=facts.get(profile.user_id),
                vocabulary=vocabulary,
            )


def _document(profile, *, skills, interests, facts, vocabulary) -> PersonDoc:
    user = profile.user
    organisation = user.organisation
    doc = PersonDoc(
        profile_id=profile.pk,
        user_id=user.pk,
        handle=profile.handle or "",
        name=user.get_full_name() or "Unnamed member",
    )
    if profile.job_title:
        level = _put(doc, "headline", profile.job_title_visibility, profile.job_title)
        if level is not None:
            doc.job_title, doc.job_title_vis = profile.job_title, level
    if organisation:
        kind_label = FACET_LABELS["kind"].get(organisation.kind, "")
        tier_label = FACET_LABELS["tier"].get(organisation.tier, "")
        text = " ".join(filter(None, [organisation.name, kind_label, tier_label]))
        level = _put(doc, "headline", profile.organisation_visibility, text)
        if level is not None:
            doc.organisation_name = organisation.name
            doc.organisation_kind = organisation.kind
            doc.organisation_tier = organisation.tier or ""
            doc.organisation_vis = level
    if profile.sector:
        level = _put(
            doc,
            "headline",
            profile.sector_visibility,
            FACET_LABELS["sector"].get(profile.sector, ""),
        )
        if level is not None:
            doc.sector, doc.sector_vis = profile.sector, level
    skill_words = []
    for name in skills:
        skill = vocabulary.get(name.lower())
        skill_words.append(name)
        if skill:
            skill_words.extend(skill.synonym_list)
    level = _put(doc, "skills", profile.skills_visibility, " ; ".join(skill_words))
    if level is not None:
        doc.terms.extend(("skill", name, level) for name in skills)
    level = _put(doc, "skills", profile.interests_visibility, " ; ".join(interests))
    if level is not None:
        doc.terms.extend(("interest", name.lower(), level) for name in interests)
    _put(doc, "body", profile.bio_visibility, profile.bio)
    # Peer status and availability are always public: being findable is their point.
    phrase = peer_phrase(
        accredited=profile.peer_accredited,
        status=profile.peer_status,
        areas=profile.peer_areas,
    )
    doc.skills_pub = (doc.skills_pub + " ; " + phrase).strip(" ;")
    doc.peer_status = profile.peer_status
    doc.peer_accredited = profile.peer_accredited
    doc.peer_areas = ",".join(profile.peer_areas)
    doc.availability = profile.availability
    # Signing in and the facts from other apps are activity; merely having an account is not.
    last_active = user.last_login
    if facts:
        counts: dict[str, int] = defaultdict(int)
        for contribution in facts.contributions:
            counts[contribution.kind] += 1
        doc.contribution_summary = dict(counts)
        doc.contributions = len(facts.contributions)
        titles = " ; ".join(c.title for c in facts.contributions if c.title)
        doc.body_pub = (doc.body_pub + " " + titles).strip()
        doc.terms.extend(("community", slug, LEVEL_PUBLIC) for slug, _ in facts.communities)
        if facts.last_active and (last_active is None or facts.last_active > last_active):
            last_active = facts.last_active
    doc.last_active = int(last_active.timestamp()) if last_active else 0
    doc.standing = standing_for(
        accredited=profile.peer_accredited,
        peer=bool(profile.peer_status),
        contributions=doc.contributions,
    )
    return doc


def now_epoch() -> int:
    return int(time.time())
