"""Demo people and organisations for `seed_demo`.

People are generated from a fixed seed, so every run produces the same people and a second
run finds them all present and adds nothing. Their addresses use the reserved `.example`
domain so that no demo account can ever email a real person.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from faker import Faker

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import (
    Availability,
    MembershipStatus,
    Organisation,
    OrganisationDomain,
    OrganisationKind,
    OrganisationMembership,
    PeerArea,
    PeerStatus,
    Profile,
    Sector,
    User,
    Visibility,
)
from accounts.roles import Role
from accounts.services import (
    membership_grant,
    organisation_get_or_create,
    profile_handle_for,
    skill_vocabulary_ensure,
    user_create,
    user_set_role,
)

DEMO_PASSWORD = "knowledge-hub-demo"  # noqa: S105 - documented in the README for local use only

# email, first name, last name, role, job title, organisation (name or ONS code)
DEMO_ACCOUNTS = [
    (
        "admin@knowledgehub.example",
        "Ada",
        "Administrator",
        Role.ADMINISTRATOR,
        "Platform administrator",
        None,
    ),
    (
        "editor@knowledgehub.example",
        "Elin",
        "Evans",
        Role.SITE_EDITOR,
        "Content editor",
        None,
    ),
    (
        "moderator@knowledgehub.example",
        "Marcus",
        "Okafor",
        Role.MODERATOR,
        "Community manager",
        None,
    ),
    (
        "officer@knowledgehub.example",
        "Priya",
        "Shah",
        Role.MEMBER,
        "Housing improvement officer",
        "E08000035",
    ),
]

OTHER_ORGANISATIONS = [
    ("Greater Manchester Fire and Rescue Service", OrganisationKind.FIRE_AND_RESCUE),
    ("West Yorkshire Fire and Rescue Service", OrganisationKind.FIRE_AND_RESCUE),
    ("Devon and Somerset Fire and Rescue Service", OrganisationKind.FIRE_AND_RESCUE),
    ("Mid and West Wales Fire and Rescue Service", OrganisationKind.FIRE_AND_RESCUE),
    ("West Midlands Combined Authority", OrganisationKind.COMBINED_AUTHORITY),
    ("Liverpool City Region Combined Authority", OrganisationKind.COMBINED_AUTHORITY),
    (
        "Ministry of Housing, Communities and Local Government",
        OrganisationKind.CENTRAL_GOVERNMENT,
    ),
    ("Civic Insight Partners Ltd", OrganisationKind.BUSINESS),
    ("Northgate Improvement Associates", OrganisationKind.BUSINESS),
    ("Placewise Consulting LLP", OrganisationKind.BUSINESS),
    ("Local Futures CIC", OrganisationKind.VOLUNTARY),
    ("Community Action Network Trust", OrganisationKind.VOLUNTARY),
    ("Centre for Neighbourhood Renewal", OrganisationKind.VOLUNTARY),
]

JOB_TITLES = [
    "Chief Executive",
    "Director of Adult Social Care",
    "Director of Children's Services",
    "Head of Housing Options",
    "Homelessness Prevention Officer",
    "Strategic Finance Manager",
    "Section 151 Officer",
    "Head of Digital",
    "Service Designer",
    "Data Analyst",
    "Policy Officer",
    "Head of Planning",
    "Principal Planning Officer",
    "Waste Services Manager",
    "Climate Change Officer",
    "Public Health Consultant",
    "Community Safety Manager",
    "Organisational Development Lead",
    "Head of Revenues and Benefits",
    "Scrutiny Officer",
    "Democratic Services Manager",
    "Economic Development Officer",
    "Transformation Programme Manager",
    "Councillor",
    "Cabinet Member for Housing",
    "Leader of the Council",
    "Group Manager, Prevention",
    "Station Manager",
    "Performance and Insight Manager",
    "Commissioning Manager",
]

SKILLS = [
    "Homelessness prevention",
    "Temporary accommodation",
    "Budget setting",
    "Medium-term financial planning",
    "Commissioning",
    "Special educational needs",
    "Safeguarding",
    "Service design",
    "User research",
    "Data analysis",
    "Procurement",
    "Local plans",
    "Net zero",
    "Community engagement",
    "Scrutiny",
    "Performance management",
    "Change management",
    "Workforce planning",
    "Fire prevention",
    "Agile delivery",
]
INTERESTS = [
    "housing",
    "adult social care",
    "children's services",
    "digital inclusion",
    "climate",
    "finance",
    "planning",
    "waste",
    "public health",
    "community safety",
    "leadership",
    "devolution",
    "data",
    "AI",
]

BIO_OPENINGS = [
    "I am a {title} at {org}.",
    "{org}: {title}, and before that ten years in district and county councils.",
    "Currently {title} at {org}, leading a small team.",
    "I joined {org} as {title} after working in the voluntary sector.",
]
BIO_CLOSINGS = [
    "Happy to share what worked for us, and what did not.",
    "Always keen to hear how other councils have tackled this.",
    "I have supported several peer challenges and improvement programmes.",
    "Ask me about our recent inspection and the improvement plan that followed.",
    "",
]

KIND_TO_SECTOR = {
    OrganisationKind.COUNCIL: Sector.LOCAL_GOVERNMENT,
    OrganisationKind.FIRE_AND_RESCUE: Sector.FIRE_AND_RESCUE,
    OrganisationKind.COMBINED_AUTHORITY: Sector.LOCAL_GOVERNMENT,
    OrganisationKind.CENTRAL_GOVERNMENT: Sector.CENTRAL_GOVERNMENT,
    OrganisationKind.BUSINESS: Sector.PRIVATE,
    OrganisationKind.VOLUNTARY: Sector.VOLUNTARY,
    OrganisationKind.OTHER: Sector.OTHER,
}


def add_arguments(parser) -> None:
    parser.add_argument(
        "--people",
        type=int,
        default=300,
        help="How many demo people to create (default 300).",
    )


def _email_domain(organisation: Organisation) -> str:
    return f"{slugify(organisation.name).replace('-', '')[:30]}.example"


def _demo_accounts(log) -> None:
    for email, first, last, role, title, org_ref in DEMO_ACCOUNTS:
        if User.objects.filter(email=email).exists():
            continue
        organisation = Organisation.objects.filter(ons_code=org_ref).first() if org_ref else None
        user = user_create(
            email=email,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            organisation=organisation,
            job_title=title,
            verified=True,
            member_verified=True,
        )
        user_set_role(user=user, role=role)
        if organisation is not None:
            # The demo officer administers their council, so the requests page has an owner.
            membership_grant(user=user, organisation=organisation, is_admin=True)
        log(f"  created {role.label.lower()} account {email}")


def _planned_people(count: int, organisations: list[Organisation]) -> list[dict]:
    """The first `count` demo people; the same list every time for the same count."""
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    rng = random.Random(2026)
    people, seen = [], set()
    # Most people work for councils, as on the real Hub; the rest are spread over other kinds.
    councils = [org for org in organisations if org.kind == OrganisationKind.COUNCIL]
    others = [org for org in organisations if org.kind != OrganisationKind.COUNCIL]
    while len(people) < count:
        first, last = fake.first_name(), fake.last_name()
        organisation = rng.choice(councils) if rng.random() < 0.82 or not others else rng.choice(others)
        local = f"{slugify(first)}.{slugify(last)}".replace("-", "")
        email = f"{local}@{_email_domain(organisation)}"
        suffix = 2
        while email in seen:
            email = f"{local}{suffix}@{_email_domain(organisation)}"
            suffix += 1
        seen.add(email)
        people.append(
            {
                "email": email,
                "first_name": first,
                "last_name": last,
                "organisation": organisation,
                "job_title": rng.choice(JOB_TITLES),
                "skills": rng.sample(SKILLS, rng.randint(1, 4)),
                "interests": rng.sample(INTERESTS, rng.randint(1, 3)),
            }
        )
        people[-1].update(_details(people[-1]))
    return people


def _details(person: dict) -> dict:
    """Peer status, availability, a short biography, activity and privacy choices.

    Drawn from a generator seeded by the person's email, not the shared one, so that adding
    details never changes who the planned people are.
    """
    rng = random.Random(person["email"])
    title = person["job_title"]
    senior = any(word in title for word in ("Chief", "Director", "Leader", "Head", "Cabinet"))
    councillor = "Councillor" in title or "Cabinet" in title or "Leader" in title
    peer_status, accredited, areas = "", False, []
    if rng.random() < (0.35 if senior or councillor else 0.06):
        peer_status = PeerStatus.COUNCILLOR if councillor else PeerStatus.OFFICER
        accredited = rng.random() < 0.6
        areas = rng.sample(list(PeerArea.values), rng.randint(1, 3))
    skills = ", ".join(skill.lower() for skill in person["skills"])
    interests = " and ".join(person["interests"])
    opening = rng.choice(BIO_OPENINGS).format(title=title.lower(), org=person["organisation"].name)
    bio = f"{opening} I work mostly on {skills}. Interested in {interests}. {rng.choice(BIO_CLOSINGS)}"
    days_ago = int(rng.expovariate(1 / 40))
    visibility = {
        "email": rng.choice([Visibility.HIDDEN, Visibility.HIDDEN, Visibility.MEMBERS]),
        "bio": rng.choice([Visibility.PUBLIC, Visibility.MEMBERS, Visibility.MEMBERS]),
        "job_title": Visibility.PUBLIC if rng.random() < 0.95 else Visibility.MEMBERS,
        "organisation": Visibility.PUBLIC if rng.random() < 0.95 else Visibility.MEMBERS,
        "sector": Visibility.PUBLIC,
        "skills": Visibility.PUBLIC if rng.random() < 0.97 else Visibility.HIDDEN,
        "interests": Visibility.PUBLIC if rng.random() < 0.9 else Visibility.MEMBERS,
    }
    return {
        "peer_status": peer_status,
        "peer_accredited": accredited,
        "peer_areas": areas,
        "availability": rng.choices(list(Availability.values), weights=[3, 4, 3])[0],
        "bio": bio,
        "last_login": timezone.now() - timedelta(days=days_ago, minutes=rng.randint(0, 1440)),
        "visibility": visibility,
    }


@transaction.atomic
def _people(count: int, log) -> None:
    from taggit.models import Tag

    from accounts.models import TaggedInterest, TaggedSkill

    # Only councils and this module's own organisations, in a fixed order: organisations that
    # other apps seed later must not change who the people are on the next run.
    councils = list(Organisation.objects.filter(kind=OrganisationKind.COUNCIL).order_by("ons_code"))
    named = {org.name: org for org in Organisation.objects.filter(name__in=[n for n, _ in OTHER_ORGANISATIONS])}
    organisations = councils + [named[name] for name, _ in OTHER_ORGANISATIONS if name in named]
    planned = _planned_people(count, organisations)
    existing = set(User.objects.filter(email__in=[p["email"] for p in planned]).values_list("email", flat=True))
    missing = [p for p in planned if p["email"] not in existing]
    _memberships(existing_people=[p for p in planned if p["email"] in existing])
    if not missing:
        log(f"  {count} demo people already present")
        return
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing per person would take minutes
    batch_size = 2000
    skill_vocabulary_ensure()
    handles = set(Profile.objects.exclude(handle=None).values_list("handle", flat=True))
    tags = {}
    for name in {*SKILLS, *INTERESTS}:
        tags[name] = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name, slug=slugify(name))
    for start in range(0, len(missing), batch_size):
        chunk = missing[start : start + batch_size]
        users = User.objects.bulk_create(
            [
                User(
                    email=p["email"],
                    first_name=p["first_name"],
                    last_name=p["last_name"],
                    organisation=p["organisation"],
                    password=password,
                    last_login=p["last_login"],
                )
                for p in chunk
            ]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users]
        )
        OrganisationMembership.objects.bulk_create(
            [
                OrganisationMembership(
                    user=user,
                    organisation=user.organisation,
                    status=MembershipStatus.VERIFIED,
                    verified_by_email=user.email,
                )
                for user in users
            ]
        )
        profiles = Profile.objects.bulk_create(
            [
                Profile(
                    user=user,
                    handle=profile_handle_for(user=user, taken=handles),
                    job_title=p["job_title"],
                    sector=KIND_TO_SECTOR[p["organisation"].kind],
                    bio=p["bio"],
                    peer_status=p["peer_status"],
                    peer_accredited=p["peer_accredited"],
                    peer_areas=p["peer_areas"],
                    availability=p["availability"],
                    **{f"{field}_visibility": value for field, value in p["visibility"].items()},
                )
                for user, p in zip(users, chunk, strict=True)
            ]
        )
        TaggedSkill.objects.bulk_create(
            [
                TaggedSkill(content_object=profile, tag=tags[name])
                for profile, p in zip(profiles, chunk, strict=True)
                for name in p["skills"]
            ]
        )
        TaggedInterest.objects.bulk_create(
            [
                TaggedInterest(content_object=profile, tag=tags[name])
                for profile, p in zip(profiles, chunk, strict=True)
                for name in p["interests"]
            ]
        )
        log(f"  people: {len(existing) + start + len(chunk)}/{count}")


def _domains(log) -> None:
    """Each current council vouches for `<slug>.gov.uk` and every demo organisation for the
    `.example` domain its demo people's addresses use, so those people are verified members
    (and someone signing up as newuser@leeds.example joins Leeds once they confirm it)."""
    organisations = Organisation.objects.current().filter(
        Q(kind=OrganisationKind.COUNCIL) | Q(name__in=[name for name, _ in OTHER_ORGANISATIONS])
    )
    wanted: dict[str, Organisation] = {}
    for organisation in organisations.order_by("ons_code", "name"):
        if organisation.is_council:
            wanted.setdefault(f"{organisation.slug}.gov.uk", organisation)
        wanted.setdefault(_email_domain(organisation), organisation)
    taken = set(OrganisationDomain.objects.filter(domain__in=wanted).values_list("domain", flat=True))
    OrganisationDomain.objects.bulk_create(
        [OrganisationDomain(domain=domain, organisation=org) for domain, org in wanted.items() if domain not in taken],
        ignore_conflicts=True,
    )
    log(f"  {len(wanted)} email domains present ({len(wanted) - len(taken)} added)")


def _memberships(*, existing_people: list[dict]) -> None:
    """Verified memberships for demo people made before memberships existed (idempotent)."""
    users = User.objects.filter(email__in=[p["email"] for p in existing_people]).exclude(organisation=None)
    have = set(OrganisationMembership.objects.filter(user__in=users).values_list("user_id", "organisation_id"))
    OrganisationMembership.objects.bulk_create(
        [
            OrganisationMembership(
                user=user,
                organisation_id=user.organisation_id,
                status=MembershipStatus.VERIFIED,
                verified_by_email=user.email,
            )
            for user in users
            if (user.pk, user.organisation_id) not in have
        ]
    )


def seed(*, options: dict, log) -> None:
    for name, kind in OTHER_ORGANISATIONS:
        organisation_get_or_create(name=name, kind=kind)
    log(f"  {len(OTHER_ORGANISATIONS)} fire and rescue services, authorities, providers and charities present")
    _domains(log)
    _demo_accounts(log)
    _people(options.get("people", 300), log)
