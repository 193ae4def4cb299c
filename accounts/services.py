"""Every write to accounts, organisations and profiles goes through here."""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import (
    MembershipStatus,
    Organisation,
    OrganisationDomain,
    OrganisationKind,
    OrganisationMembership,
    Profile,
    User,
    tier_for_ons_code,
)
from accounts.ons import ONS_ATTRIBUTION, CouncilRegister, CouncilRow, council_register  # noqa: F401 - seed_demo imports ONS_ATTRIBUTION from here
from accounts.roles import GROUP_FOR_ROLE, MODERATORS_GROUP, SITE_EDITORS_GROUP, Role
from accounts.signals import profiles_changed


@dataclass
class LoadResult:
    """What a council load did; `added`, `renamed` and `retired` say it in words for the report."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    added: list[str] = dataclasses.field(default_factory=list)
    renamed: list[str] = dataclasses.field(default_factory=list)
    retired: list[str] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _unique_slug(name: str, code: str, taken: set[str]) -> str:
    slug = slugify(name)
    if slug in taken:
        slug = f"{slug}-{code.lower()}"
    taken.add(slug)
    return slug


@transaction.atomic
def councils_load_from_ons(
    *,
    register: CouncilRegister | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    """Bring the councils up to today's ONS register, keeping every council that ever existed.

    A council that carries on under a new code (North Yorkshire County Council became the
    unitary North Yorkshire Council, E10000023 to E06000065) is updated in place, so its
    people and content stay with it. An abolished council is never deleted: it gets its date
    and successor and drops out of pickers (Organisation.objects.current()). Idempotent: a
    second run reports every council unchanged and writes nothing.
    """
    register = register if register is not None else council_register()
    by_code = {org.ons_code: org for org in Organisation.objects.exclude(ons_code=None)}
    taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
    result = LoadResult()

    for old_code, change in register.recoded.items():
        org = by_code.get(old_code)
        if org is None or change.new_code in by_code:
            continue  # already recoded, or never loaded (a fresh database gets the new code)
        result.renamed.append(f"{org.name} ({old_code}) is now {change.name} ({change.new_code})")
        org.ons_code = change.new_code
        org.save(update_fields=["ons_code"])
        by_code[change.new_code] = by_code.pop(old_code)

    def ensure(row: CouncilRow, wanted: dict) -> Organisation:
        org = by_code.get(row.code)
        if org is None:
            org = Organisation.objects.create(
                ons_code=row.code, name=row.name, slug=_unique_slug(row.name, row.code, taken_slugs), **wanted
            )
            by_code[row.code] = org
            result.created += 1
            result.added.append(f"{row.name} ({row.code})")
            return org
        wanted = {"name": row.name, **wanted}
        changed = {name: value for name, value in wanted.items() if getattr(org, name) != value}
        if not changed:
            result.unchanged += 1
            return org
        if "name" in changed:
            result.renamed.append(f"{org.name} ({row.code}) is now {row.name}")
        for name, value in changed.items():
            setattr(org, name, value)
        org.save()
        result.updated += 1
        return org

    # Upper tiers (no parent) first, so that counties exist when their districts are saved.
    current = sorted(register.current.values(), key=lambda row: (row.parent_code is not None, row.code))
    for index, row in enumerate(current, start=1):
        ensure(
            row,
            {
                "kind": OrganisationKind.COUNCIL,
                "tier": tier_for_ons_code(row.code),
                "parent": by_code.get(row.parent_code) if row.parent_code else None,
                "abolished_on": None,
                "successor": None,
            },
        )
        if progress and (index % 50 == 0 or index == len(current)):
            progress(f"  current councils: {index}/{len(current)}")

    # Counties before districts again, so an abolished district can keep its abolished county.
    for row, abolition in sorted(
        register.abolished.values(), key=lambda pair: (pair[0].parent_code is not None, pair[0].code)
    ):
        org = by_code.get(row.code)
        was_abolished = org is not None and org.abolished_on == abolition.on
        successor = by_code.get(abolition.successor_code) if abolition.successor_code else None
        wanted = {
            "kind": OrganisationKind.COUNCIL,
            "tier": tier_for_ons_code(row.code),
            "abolished_on": abolition.on,
            "successor": successor,
        }
        if org is None:
            wanted["parent"] = by_code.get(row.parent_code) if row.parent_code else None
        else:
            row = CouncilRow(row.code, org.name, row.parent_code)  # keep the name it had: history
        ensure(row, wanted)
        if not was_abolished:
            fate = f"now {successor.name}" if successor else abolition.note
            result.retired.append(f"{row.name} ({row.code}), abolished {abolition.on:%-d %B %Y}: {fate}")
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
    member_verified: bool = False,
) -> User:
    """Create a user with a profile; `verified` marks the email as confirmed for allauth.

    The organisation becomes a request to join it, verified at once when the confirmed address
    is on one of its domains; `member_verified` (demo data, site administrators) skips asking.
    """
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
    if member_verified and organisation is not None:
        membership_grant(user=user, organisation=organisation)
    else:
        membership_request(user=user, organisation=organisation)
    if verified:
        membership_verify_by_email(user=user, email=user.email)
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

    changed_organisation = organisation is not None and organisation.pk != user.organisation_id
    user.first_name, user.last_name, user.organisation = (
        first_name,
        last_name,
        organisation,
    )
    user.save(update_fields=["first_name", "last_name", "organisation"])
    if changed_organisation:
        membership_request(user=user, organisation=organisation)
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


# --- Verified membership of organisations ------------------------------------------------------


def _domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def organisation_for_email(*, email: str) -> Organisation | None:
    """The current organisation that vouches for this address's domain, if any."""
    found = OrganisationDomain.objects.filter(domain=_domain_of(email)).select_related("organisation").first()
    if found is None or found.organisation.abolished_on is not None:
        return None
    return found.organisation


def _verified_address_on(*, user: User, organisation: Organisation) -> str:
    from allauth.account.models import EmailAddress

    domains = set(organisation.domains.values_list("domain", flat=True))
    for address in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True):
        if _domain_of(address) in domains:
            return address
    return ""


def _membership_verify(membership, *, email: str = "", by: User | None = None) -> None:
    membership.status = MembershipStatus.VERIFIED
    membership.verified_by_email = email
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.save()


@transaction.atomic
def membership_request(*, user: User, organisation: Organisation | None):
    """The person says they work for `organisation`: trust it at once if one of their verified
    addresses is on its domains, otherwise ask its administrators (or the site's) to approve.

    Asking again changes nothing: a pending request stays pending (no second email) and a
    refusal stands, so that choosing the same organisation again is not a way to nag.
    """
    if organisation is None:
        return None
    membership, created = OrganisationMembership.objects.get_or_create(user=user, organisation=organisation)
    user.__dict__.pop("_membership_cache", None)
    if membership.status != MembershipStatus.PENDING:
        return membership
    address = _verified_address_on(user=user, organisation=organisation)
    if address:
        _membership_verify(membership, email=address)
    elif created and _domain_of(user.email) not in set(organisation.domains.values_list("domain", flat=True)):
        # An address on the domain that is not yet confirmed will verify itself: no one to ask.
        _notify_approvers(membership)
    return membership


@transaction.atomic
def membership_verify_by_email(*, user: User, email: str):
    """A person has just confirmed `email` (allauth's email_confirmed): if an organisation
    vouches for its domain, they are its verified member, and it becomes their organisation if
    they had not named one."""
    organisation = organisation_for_email(email=email)
    if organisation is None:
        return None
    if user.organisation_id is None:
        user.organisation = organisation
        user.save(update_fields=["organisation"])
        _reindex_after_commit([user.pk])
    membership, _ = OrganisationMembership.objects.get_or_create(user=user, organisation=organisation)
    if membership.status != MembershipStatus.VERIFIED:
        _membership_verify(membership, email=email)
    user.__dict__.pop("_membership_cache", None)
    return membership


def may_decide(*, user: User, membership) -> bool:
    """Site administrators decide any request; an organisation's verified administrators decide
    its requests, but never their own."""
    if not user.is_authenticated or user.pk == membership.user_id and not user.is_superuser:
        return False
    return (
        user.is_superuser
        or OrganisationMembership.objects.filter(
            user=user, organisation_id=membership.organisation_id, is_admin=True, status=MembershipStatus.VERIFIED
        ).exists()
    )


@transaction.atomic
def membership_decide(*, membership, by: User, approve: bool):
    """Approve or refuse a pending request and tell the person, after commit."""
    if not may_decide(user=by, membership=membership):
        raise PermissionDenied("You cannot decide requests to join this organisation")
    if approve:
        _membership_verify(membership, by=by)
    else:
        membership.status = MembershipStatus.REFUSED
        membership.decided_by, membership.decided_at = by, timezone.now()
        membership.save()
    _notify_person(membership)
    return membership


@transaction.atomic
def membership_grant(*, user: User, organisation: Organisation, is_admin: bool = False):
    """Make a verified membership directly (site administrators' and demo data's tool);
    `is_admin` lets the person approve others' requests to join."""
    membership, _ = OrganisationMembership.objects.get_or_create(user=user, organisation=organisation)
    if membership.status != MembershipStatus.VERIFIED:
        _membership_verify(membership)
    if membership.is_admin != is_admin:
        membership.is_admin = is_admin
        membership.save(update_fields=["is_admin"])
    user.__dict__.pop("_membership_cache", None)
    return membership


def organisation_domain_add(*, organisation: Organisation, domain: str):
    """Vouch for an email domain (idempotent)."""
    found, _ = OrganisationDomain.objects.get_or_create(
        domain=domain.strip().lower(), defaults={"organisation": organisation}
    )
    return found


def _site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _approver_emails(organisation: Organisation) -> list[str]:
    admins = User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__is_admin=True,
        memberships__status=MembershipStatus.VERIFIED,
    )
    if not admins.exists():
        admins = User.objects.filter(is_active=True, is_superuser=True)
    return list(admins.values_list("email", flat=True))


def _notify_approvers(membership) -> None:
    emails = _approver_emails(membership.organisation)
    if not emails:
        return
    person = membership.user.get_full_name() or membership.user.email
    subject = f"{person} asks to join {membership.organisation.name} on the Knowledge Hub"
    body = (
        f"{person} ({membership.user.email}) says they work for {membership.organisation.name}.\n\n"
        "Until someone approves this, they cannot review marketplace services or act for the organisation.\n\n"
        f"Approve or refuse the request: {_site_link(reverse('accounts:membership_requests'))}\n"
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, emails))


def _notify_person(membership) -> None:
    name = membership.organisation.name
    if membership.status == MembershipStatus.VERIFIED:
        subject = f"You are now a verified member of {name}"
        body = f"Your request to join {name} on the Knowledge Hub has been approved.\n\n"
    else:
        subject = f"Your request to join {name} was not approved"
        body = (
            f"Your request to join {name} on the Knowledge Hub was not approved. If you do work there, "
            "add your work email address to your account and confirm it.\n\n"
        )
    body += f"Your account: {_site_link(reverse('accounts:overview'))}\n"
    email = membership.user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
