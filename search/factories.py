"""Factories for people with the profile details search uses; used by tests and benchmarks."""

from accounts.factories import UserFactory
from accounts.models import Profile, Visibility


def person_create(
    *,
    first_name: str,
    last_name: str,
    organisation=None,
    job_title: str = "",
    sector: str = "",
    bio: str = "",
    skills: list[str] = (),
    interests: list[str] = (),
    peer_status: str = "",
    peer_accredited: bool = False,
    peer_areas: list[str] = (),
    availability: str = "unavailable",
    visibility: dict[str, str] | None = None,
    index: bool = True,
    **user_fields,
) -> Profile:
    """A person saved through the same service the profile form uses, then indexed."""
    from accounts.services import profile_update, skill_vocabulary_ensure

    skill_vocabulary_ensure()
    extra = {"organisation": organisation} if organisation is not None else {}
    user = UserFactory(first_name=first_name, last_name=last_name, **extra, **user_fields)
    defaults = dict.fromkeys(("job_title", "organisation", "sector", "bio", "skills", "interests"), Visibility.PUBLIC)
    defaults["email"] = Visibility.HIDDEN
    defaults.update(visibility or {})
    profile = profile_update(
        user=user,
        first_name=first_name,
        last_name=last_name,
        organisation=user.organisation,
        job_title=job_title,
        sector=sector,
        bio=bio,
        skills=list(skills),
        interests=list(interests),
        peer_status=peer_status,
        peer_accredited=peer_accredited,
        peer_areas=list(peer_areas),
        availability=availability,
        visibility=defaults,
    )
    if index:
        from search.services import people_index_update

        # Tests run inside a transaction that never commits, so on_commit never fires there.
        people_index_update(user_ids=[user.pk])
    return profile
