"""Demo providers, services and reviews for `seed_demo`.

Everything comes from a fixed random seed, so every run plans the same 44 providers and 150
services; what already exists is left alone and a second run adds nothing. Reviews are written
by the council demo people from `accounts.demo` (addresses ending ".example"), and only for
services this run created. Rows are bulk-inserted rather than sent through moderation one by
one: the demo stands for listings a moderator approved long ago, and it must stay quick.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import OrganisationKind, User
from accounts.services import organisation_get_or_create
from marketplace.models import (
    ALL_KINDS,
    ALL_REGIONS,
    KIND_BITS,
    REGION_BITS,
    Category,
    CouncilOffer,
    DeliveryMode,
    HowUsed,
    Provider,
    ProviderType,
    Review,
    ReviewReply,
    Service,
)
from marketplace.pricing import PriceInterval, PriceUnit, VatHandling
from marketplace.services import listing_changed, service_ratings_refresh

SEED = 6_2026
SERVICE_TOTAL = 150
DEMO_PROVIDER_EMAIL = "provider@knowledgehub.example"

PLACES = [
    "Brightwater", "Kestrel", "Meridian", "Oakfield", "Harbourside", "Pennine", "Severn",
    "Thameside", "Cotswold", "Fenland", "Tynebridge", "Mercia", "Wessex", "Solent", "Humber",
    "Cambrian", "Chiltern", "Mendip", "Lakeland", "Peakstone", "Marcher", "Wealden",
]  # fmt: skip
BUSINESS_SUFFIXES = [
    "Public Services Consulting Ltd", "Improvement Partners Ltd", "Associates LLP",
    "Digital Ltd", "Leadership Ltd", "Analytics Ltd", "Governance Advisory Ltd",
    "Finance Associates Ltd", "Workforce Solutions Ltd", "Service Design Studio Ltd",
]  # fmt: skip
VOLUNTARY_SUFFIXES = ["Community Trust", "Civic Lab CIC", "Foundation", "Co-operative"]
PUBLIC_BODIES = [
    ("Institute for Local Governance Studies", ProviderType.PUBLIC_BODY),
    ("National Centre for Public Sector Data", ProviderType.PUBLIC_BODY),
    ("Northern Universities Public Policy Unit", ProviderType.PUBLIC_BODY),
    ("Regional Improvement and Efficiency Partnership", ProviderType.IMPROVEMENT_BODY),
    ("Local Government Peer Network", ProviderType.IMPROVEMENT_BODY),
    ("Fire Sector Improvement Forum", ProviderType.IMPROVEMENT_BODY),
]

SERVICE_NAMES = {
    Category.PEER_CHALLENGE: [
        "Corporate peer challenge preparation", "Peer challenge follow-up support",
        "Finance peer review", "Planning service peer review", "Children's services peer review",
    ],
    Category.LEADERSHIP: [
        "New chief executive induction", "Leadership academy for senior managers",
        "Political leadership programme", "Coaching for directors", "Top team development",
    ],
    Category.FINANCIAL_RESILIENCE: [
        "Medium-term financial plan review", "Budget challenge sessions",
        "Section 151 officer support", "Commercial income review", "Financial sustainability diagnostic",
    ],
    Category.SERVICE_REDESIGN: [
        "Customer journey mapping", "Adult social care front door redesign",
        "Homelessness prevention pathway redesign", "Waste service review", "Lean process review",
    ],
    Category.DIGITAL: [
        "Digital maturity assessment", "Website accessibility audit", "Cloud migration readiness",
        "Service design training", "Cyber security health check",
    ],
    Category.DATA: [
        "Data maturity assessment", "Performance dashboard build", "Local insight profiles",
        "Data protection impact assessment support", "Benchmarking service",
    ],
    Category.WORKFORCE: [
        "Workforce strategy review", "Apprenticeship programme design",
        "Recruitment and retention review", "Social worker workforce planning", "Pay and grading review",
    ],
    Category.GOVERNANCE: [
        "Scrutiny improvement review", "Audit committee effectiveness review",
        "Member development programme", "Constitution review", "Governance health check",
    ],
    Category.COMMUNITY_ENGAGEMENT: [
        "Citizens' panel", "Consultation design and analysis", "Community asset mapping",
        "Resident survey", "Participatory budgeting support",
    ],
    Category.CLIMATE: [
        "Carbon baseline and action plan", "Climate emergency scrutiny support",
        "Retrofit programme design", "Net zero training for members", "Fleet decarbonisation review",
    ],
}  # fmt: skip

# unit, interval, VAT, price range in pounds
PRICE_SHAPES = [
    (PriceUnit.PER_DAY, "", VatHandling.EXCLUSIVE, (450, 1400)),
    (PriceUnit.PER_DAY, "", VatHandling.NOT_CHARGED, (350, 900)),
    (PriceUnit.PER_PERSON, "", VatHandling.EXCLUSIVE, (95, 2500)),
    (PriceUnit.PER_PERSON, "", VatHandling.INCLUSIVE, (60, 900)),
    (PriceUnit.PER_ORGANISATION, PriceInterval.PER_YEAR, VatHandling.EXCLUSIVE, (1500, 18000)),
    (PriceUnit.PER_ORGANISATION, PriceInterval.PER_MONTH, VatHandling.EXCLUSIVE, (250, 2500)),
    (PriceUnit.PER_ORGANISATION, "", VatHandling.NOT_CHARGED, (2000, 20000)),
    (PriceUnit.PER_PROJECT, "", VatHandling.EXCLUSIVE, (6000, 75000)),
    (PriceUnit.FIXED, "", VatHandling.EXCLUSIVE, (1500, 25000)),
]

DURATIONS = ["1 day", "2 days", "2 to 3 weeks", "4 to 6 weeks", "6 to 8 weeks", "3 months", "6 months", "12 months"]

GOOD = [
    "The team understood local government and got to the point quickly.",
    "Practical recommendations that we have already started to put in place.",
    "Good value compared with the other quotes we had.",
    "Our members found the sessions useful and well run.",
    "They worked well with our staff and left us able to carry on ourselves.",
]
MIXED = [
    "Useful in parts, though the final report took longer than agreed.",
    "The diagnostic was sound but the follow-up support was thin.",
    "Fine for a first look; we needed more tailoring to a district council.",
]
POOR = [
    "Generic advice that did not reflect our circumstances.",
    "Expensive for what we got, and the lead consultant changed twice.",
    "We did not see the outcomes that were promised.",
]
REPLIES = [
    "Thank you for the feedback. We have changed how we schedule report drafting as a result.",
    "Thank you: we are glad the sessions helped and would be happy to support the next phase.",
    "We are sorry this did not meet your expectations and would welcome a conversation about it.",
]


def add_arguments(parser) -> None:
    parser.add_argument(
        "--marketplace-services",
        type=int,
        default=SERVICE_TOTAL,
        help=f"How many demo marketplace services to create (default {SERVICE_TOTAL}).",
    )


def _planned_providers() -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    names = []
    places = PLACES[:]
    rng.shuffle(places)
    for index, place in enumerate(places):
        names.append((f"{place} {BUSINESS_SUFFIXES[index % len(BUSINESS_SUFFIXES)]}", ProviderType.BUSINESS))
    for index, place in enumerate(places[:16]):
        names.append((f"{place} {VOLUNTARY_SUFFIXES[index % len(VOLUNTARY_SUFFIXES)]}", ProviderType.VOLUNTARY))
    return names + PUBLIC_BODIES


ORGANISATION_KIND_FOR = {
    ProviderType.BUSINESS: OrganisationKind.BUSINESS,
    ProviderType.VOLUNTARY: OrganisationKind.VOLUNTARY,
    ProviderType.PUBLIC_BODY: OrganisationKind.OTHER,
    ProviderType.IMPROVEMENT_BODY: OrganisationKind.OTHER,
}


def _providers(log) -> list[Provider]:
    providers = []
    created = 0
    for index, (name, provider_type) in enumerate(_planned_providers()):
        organisation = organisation_get_or_create(
            name=name,
            kind=ORGANISATION_KIND_FOR[provider_type],
            website=f"https://{slugify(name)}.example",
        )
        provider = Provider.objects.filter(organisation=organisation).first()
        if provider is None:
            provider = Provider.objects.create(
                organisation=organisation,
                provider_type=provider_type,
                about=f"{name} works with councils and fire and rescue services across the UK.",
                contact_name="Business development team",
                contact_email=f"hello@{slugify(name)}.example",
                contact_phone=f"0161 496 {index:04d}",
                # Most demo providers have had their contacts checked; a few are still waiting.
                contacts_verified_at=timezone.now() if index % 5 else None,
            )
            created += 1
        providers.append(provider)
    log(f"  providers: {created} created, {len(providers) - created} already present")
    return providers


def _plan_service(rng: random.Random, index: int, providers: list[Provider]) -> dict:
    category = list(SERVICE_NAMES)[index % len(SERVICE_NAMES)]
    base_name = SERVICE_NAMES[category][(index // len(SERVICE_NAMES)) % 5]
    provider = providers[(index * 7) % len(providers)]
    unit, interval, vat, (low, high) = PRICE_SHAPES[index % len(PRICE_SHAPES)]
    price_min = Decimal(rng.randrange(low, high, 5 if high < 1000 else 50))
    spread = rng.choice([Decimal(1), Decimal("1.2"), Decimal("1.5"), Decimal(2)])
    price_max = (price_min * spread).quantize(Decimal(1))
    offer, offer_details = "", ""
    roll = rng.random()
    if provider.provider_type == ProviderType.IMPROVEMENT_BODY or roll < 0.08:
        offer = CouncilOffer.FREE
        offer_details = "Free to councils in England, funded by the sector's improvement grant; the listed price is for everyone else."
    elif roll < 0.18:
        offer = CouncilOffer.SUBSIDISED
        offer_details = "Half price for district councils and fire and rescue services."
    regions = ALL_REGIONS if rng.random() < 0.55 else sum(rng.sample(list(REGION_BITS.values()), rng.randint(1, 5)))
    kinds = ALL_KINDS if rng.random() < 0.6 else sum(rng.sample(list(KIND_BITS.values()), rng.randint(1, 4)))
    name = base_name if index < 50 else f"{base_name} ({['express', 'extended', 'plus'][index % 3]})"
    return {
        "provider": provider,
        "slug": slugify(f"{name} {provider.organisation.name}")[:200],
        "name": name,
        "summary": f"{base_name} for councils, delivered by {provider.organisation.name}.",
        "description": (
            f"## What you get\n\n{base_name} tailored to your organisation.\n\n"
            "- An initial scoping conversation\n- Delivery by experienced local government practitioners\n"
            "- A written summary of findings and next steps\n\n"
            "## Who it is for\n\nLeaders and officers who want an outside view and practical help."
        ),
        "category": category,
        "kinds_served": kinds or ALL_KINDS,
        "regions": regions,
        "delivery_mode": rng.choice(DeliveryMode.values),
        "typical_duration": rng.choice(DURATIONS),
        "price_min": price_min,
        "price_max": max(price_max, price_min),
        "price_unit": unit,
        "price_interval": interval,
        "vat": vat,
        "council_offer": offer,
        "council_offer_details": offer_details,
        "quality": rng.uniform(2.4, 4.8),
        "review_target": rng.choice([0, 0, 1, 2, 3, 4, 6, 8, 12, 18, 25]),
    }


def _rating(rng: random.Random, quality: float) -> int:
    return max(1, min(5, round(rng.gauss(quality, 0.8))))


def _reviews(services_created: list[tuple[Service, dict]], rng: random.Random, log) -> None:
    reviewers = list(
        User.objects.filter(email__endswith=".example", organisation__kind=OrganisationKind.COUNCIL)
        .select_related("organisation")
        .order_by("email")
    )
    if not reviewers:
        log("  no council demo people to write reviews: run the accounts demo first")
        return
    reviews, replies_for = [], []
    today = datetime.date.today()
    for service, plan in services_created:
        authors = rng.sample(reviewers, min(plan["review_target"], len(reviewers)))
        for author in authors:
            ratings = [_rating(rng, plan["quality"]) for _ in range(3)]
            mean = sum(ratings) / 3
            text = rng.choice(GOOD if mean >= 4 else MIXED if mean >= 3 else POOR)
            months_ago = rng.randint(1, 30)
            used = today.replace(day=1) - datetime.timedelta(days=30 * months_ago)
            reviews.append(
                Review(
                    service=service,
                    author=author,
                    organisation=author.organisation,
                    used_in=used.replace(day=1),
                    how_used=rng.choice(HowUsed.values),
                    rating_experience=ratings[0],
                    rating_value=ratings[1],
                    rating_outcomes=ratings[2],
                    would_recommend=mean >= 3.3,
                    text=text,
                )
            )
    Review.objects.bulk_create(reviews, batch_size=500)
    saved = Review.objects.filter(service__in=[service for service, _plan in services_created])
    for review in saved.order_by("id")[::7]:
        replies_for.append(ReviewReply(review=review, text=rng.choice(REPLIES)))
    ReviewReply.objects.bulk_create(replies_for)
    for service, _plan in services_created:
        service_ratings_refresh(service=service)
    log(f"  reviews: {len(reviews)} written, {len(replies_for)} with a provider reply")


def _demo_provider_account(provider: Provider, log) -> User:
    from accounts.demo import DEMO_PASSWORD
    from accounts.services import user_create

    user = User.objects.filter(email=DEMO_PROVIDER_EMAIL).first()
    if user is None:
        user = user_create(
            email=DEMO_PROVIDER_EMAIL,
            password=DEMO_PASSWORD,
            first_name="Paula",
            last_name="Provider",
            organisation=provider.organisation,
            job_title="Head of public sector partnerships",
            verified=True,
        )
        log(f"  created provider account {DEMO_PROVIDER_EMAIL} for {provider.organisation.name}")
    provider.staff.add(user)
    return user


def _pending_changes(provider: Provider, user: User, log) -> None:
    """One change and one new listing waiting, so the moderation queue has work in it."""
    from marketplace.models import CONTENT_FIELDS, RevisionStatus, ServiceRevision
    from marketplace.services import service_submit

    if ServiceRevision.objects.filter(service__provider=provider).exists():
        return
    service = provider.services.filter(is_published=True).order_by("slug").first()
    if service is not None:
        content = {name: getattr(service, name) for name in CONTENT_FIELDS}
        content["summary"] = f"{content['summary']} Now with a follow-up visit at six months."
        content["price_max"] = content["price_max"] + 100
        service_submit(provider=provider, user=user, content=content, service=service)
    service_submit(
        provider=provider,
        user=user,
        content={
            "name": "Resident insight sprint",
            "summary": "A four-week sprint to understand what residents need from a service.",
            "description": "We interview residents and staff and test ideas with them.",
            "category": Category.SERVICE_REDESIGN,
            "kinds_served": ALL_KINDS,
            "regions": ALL_REGIONS,
            "delivery_mode": DeliveryMode.BLENDED,
            "typical_duration": "4 weeks",
            "price_min": Decimal(9500),
            "price_max": Decimal(9500),
            "price_unit": PriceUnit.FIXED,
            "price_interval": "",
            "vat": VatHandling.EXCLUSIVE,
            "council_offer": "",
            "council_offer_details": "",
        },
    )
    log(f"  {ServiceRevision.objects.filter(status=RevisionStatus.PENDING).count()} listings waiting for moderation")


@transaction.atomic
def seed(*, options: dict, log) -> None:
    total = options.get("marketplace_services") or SERVICE_TOTAL
    providers = _providers(log)
    provider_user = _demo_provider_account(providers[0], log)
    rng = random.Random(SEED)
    plans = [_plan_service(rng, index, providers) for index in range(total)]
    existing = set(Service.objects.filter(slug__in=[plan["slug"] for plan in plans]).values_list("slug", flat=True))
    now = timezone.now()
    new_services = []
    for plan in plans:
        if plan["slug"] in existing:
            continue
        fields = {key: value for key, value in plan.items() if key not in ("quality", "review_target")}
        new_services.append(
            (Service(**fields, is_published=True, published_at=now, shuffle_key=rng.getrandbits(31)), plan)
        )
        existing.add(plan["slug"])
    Service.objects.bulk_create([service for service, _plan in new_services], batch_size=200)
    # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+, which is all we run on.
    log(f"  services: {len(new_services)} created, {total - len(new_services)} already present")
    if new_services:
        _reviews(new_services, rng, log)
    _pending_changes(providers[0], provider_user, log)
    transaction.on_commit(listing_changed)
