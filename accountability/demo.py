"""Demo data for `seed_demo`: two published budget simulators with residents' budgets (one
with its results published) and a self-assessment in progress with answers.

Every figure is illustrative: plausible for a large metropolitan council, not any council's
real budget. Made once: a second run finds each simulator and assessment by its title and
adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accountability import services
from accountability.budget import budget_balance
from accountability.factories import framework_ensure, lines_of, simulation_create
from accountability.models import AgeBand, Assessment, Perspective, Simulation
from accounts.models import Organisation, OrganisationKind

SEED = 13
M = Decimal(1_000_000)
ILLUSTRATIVE = "Illustrative figures for the Knowledge Hub demo, not the council's real budget. "

LEEDS_LINES = [
    {
        "group": "Adult social care",
        "name": "Care and support at home",
        "amount": 180 * M,
        "min_percent": -5,
        "max_percent": 5,
        "step_percent": 1,
        "floor_percent": -3,
        "floor_reason": "The Care Act 2014 requires the council to meet the eligible needs of every adult it assesses",
        "consequences": [
            (-3, "Fewer hours of home care for people with lower needs"),
            (2, "Shorter waits for an assessment"),
        ],
    },
    {
        "group": "Children's services",
        "name": "Early help for families",
        "amount": 24 * M,
        "min_percent": -20,
        "max_percent": 10,
        "step_percent": 5,
        "consequences": [
            (-10, "Three family hubs open on fewer days"),
            (-20, "Six family hubs close"),
            (10, "Two more hubs"),
        ],
    },
    {
        "group": "Children's services",
        "name": "Children in care",
        "amount": 120 * M,
        "min_percent": -2,
        "max_percent": 5,
        "step_percent": 1,
        "floor_percent": 0,
        "floor_reason": "The council must look after every child in its care (Children Act 1989)",
    },
    {
        "group": "Environment",
        "name": "Libraries",
        "amount": 12 * M,
        "consequences": [
            (-10, "Two libraries open four days a week"),
            (-20, "Four community libraries close"),
            (10, "Longer opening hours at the busiest libraries"),
        ],
    },
    {
        "group": "Environment",
        "name": "Parks and green spaces",
        "amount": 9 * M,
        "consequences": [(-10, "Grass cut half as often"), (-20, "Two park toilets and a café close")],
    },
    {
        "group": "Environment",
        "name": "Bins and recycling",
        "amount": 42 * M,
        "min_percent": -10,
        "max_percent": 5,
        "floor_percent": -5,
        "floor_reason": "The council must collect household waste (Environmental Protection Act 1990)",
        "consequences": [(-5, "Garden waste collected monthly in winter")],
    },
    {
        "group": "Income",
        "name": "Council tax",
        "kind": "council_tax",
        "amount": 420 * M,
        "min_percent": 0,
        "max_percent": Decimal("4.99"),
        "step_percent": 1,
        "consequences": [
            (2, "Adds about £34 a year to a band D bill"),
            (Decimal("4.99"), "About £85 a year at band D"),
        ],
    },
    {
        "group": "Income",
        "name": "Fees and charges",
        "kind": "income",
        "amount": 60 * M,
        "min_percent": 0,
        "max_percent": 20,
        "step_percent": 5,
        "consequences": [(10, "Parking and leisure prices rise by a tenth")],
    },
]

PARKS_LINES = [
    {"name": "Grounds maintenance", "amount": 5 * M, "consequences": [(-10, "Verges cut twice a year")]},
    {"name": "Play areas", "amount": 2 * M, "consequences": [(-20, "Ten small play areas close")]},
    {"name": "Allotment rents", "kind": "income", "amount": Decimal(400_000), "min_percent": 0, "max_percent": 20},
    {"name": "Events in parks", "kind": "income", "amount": Decimal(1_500_000), "min_percent": 0, "max_percent": 20},
]


def _council(ons_code: str, fallback: str) -> Organisation:
    """The council by ONS code (loaded by load_councils), or a stand-in if councils are missing."""
    found = Organisation.objects.filter(ons_code=ons_code).first()
    if found:
        return found
    return Organisation.objects.get_or_create(
        slug=f"demo-{ons_code.lower()}", defaults={"name": fallback, "kind": OrganisationKind.COUNCIL}
    )[0]


def _responses(simulation: Simulation, *, count: int, rng: random.Random, log) -> None:
    """Residents' budgets: random choices within each line's range, kept when they balance."""
    lines = lines_of(simulation)
    years = list(simulation.years.all())
    ages = [*AgeBand.values, ""]
    areas = ["LS1", "LS6", "LS8", "LS11", "LS17", "LS25", "Headingley", "Armley", ""]
    reasons = [
        "Protect care for older people, even if council tax goes up.",
        "Libraries matter to my children; cut elsewhere.",
        "Charge more for parking before cutting services.",
        "I would rather pay a little more than lose the family hubs.",
        "",
        "",
    ]
    made = 0
    for attempt in range(count * 40):
        if made >= count:
            break
        choices = {}
        for line in lines:
            levels = line.levels()
            # Residents lean towards protecting services and raising income, as they do.
            weights = [1 + (2 if (line.is_income and level > 0) or level == 0 else 0) for level in levels]
            choices[line.pk] = rng.choices(levels, weights=weights)[0]
        if not budget_balance(lines=lines, years=years, choices=choices).balanced:
            continue
        age, area, reason = rng.choice(ages), rng.choice(areas), rng.choice(reasons)
        services.response_submit(
            simulation=simulation,
            lines=lines,
            submission=services.Submission(choices=choices, area=area, age_band=age, reason=reason),
            address=f"demo-address-{simulation.pk}-{attempt}",
            browser=f"demo-browser-{simulation.pk}-{attempt}",
        )
        made += 1
    log(f"  {simulation.title}: {made} residents' budgets")


def _simulation(*, organisation, title: str, lines: list[dict], years, rng, log, responses: int, **fields):
    if Simulation.objects.filter(organisation=organisation, title=title).exists():
        log(f"  {title}: already present")
        return None
    now = timezone.now()
    simulation = simulation_create(
        organisation=organisation,
        title=title,
        years=years,
        lines=[{**line} for line in lines],
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=60),
        **fields,
    )
    _responses(simulation, count=responses, rng=rng, log=log)
    return simulation


def _assessment(organisation, log) -> None:
    title = "How well are we doing? Our self-assessment 2026"
    if Assessment.objects.filter(organisation=organisation, title=title).exists():
        log("  self-assessment: already present")
        return
    framework = framework_ensure()
    assessment = services.assessment_start(organisation=organisation, framework=framework, title=title)
    statements = [s for theme in framework.themes.all() for s in theme.statements.all()]
    rng = random.Random(SEED + 1)
    partner = Organisation.objects.filter(kind=OrganisationKind.VOLUNTARY).first()
    people = [
        (Perspective.COUNCIL, "Chief executive's office", None, 4),
        (Perspective.COUNCIL, "Head of scrutiny", None, 3),
        (Perspective.PARTNER, "Voluntary sector forum", partner, 3),
        (Perspective.RESIDENT, "Resident", None, 2),
        (Perspective.RESIDENT, "Resident", None, 3),
    ]
    for perspective, label, partner_org, centre in people:
        respondent = services.respondent_invite(
            assessment=assessment, perspective=perspective, label=label, organisation=partner_org
        )
        answers = {
            statement.pk: (max(1, min(5, centre + rng.choice((-1, 0, 0, 1)))), "Illustrative evidence for the demo.")
            for statement in statements
        }
        services.ratings_save(respondent=respondent, answers=answers)
    services.action_add(
        assessment=assessment,
        title="Publish the reasons for every executive decision",
        owner="Monitoring officer",
        due=timezone.localdate() + timedelta(days=120),
        help_url="/good-practice/",
    )
    log(f"  self-assessment: started with {len(people)} people's answers")


@transaction.atomic
def seed(*, options: dict, log) -> None:
    rng = random.Random(SEED)
    leeds = _council("E08000035", "Leeds City Council")
    first = _simulation(
        organisation=leeds,
        title="Leeds budget 2026/27: where would you find £12.4m?",
        introduction=ILLUSTRATIVE
        + "We must save £12.4m next year and £20m by 2027/28. Move each line to balance the budget.",
        lines=LEEDS_LINES,
        years=[("2026/27", Decimal("12.4") * M), ("2027/28", 20 * M)],
        band_d_charge=Decimal("1805.00"),
        embed_domains="https://www.leeds.gov.uk",
        rng=rng,
        log=log,
        responses=240,
    )
    if first is not None:
        services.simulation_results_publish(
            simulation=first,
            published=True,
            statement="Most of you protected care and family hubs and accepted a council tax rise: "
            "we have kept early help at its current level (illustrative).",
        )
    _simulation(
        organisation=_council("E06000023", "Bristol City Council"),
        title="Parks and green spaces: closing a £600,000 gap",
        introduction=ILLUSTRATIVE + "How should the parks service close its gap?",
        lines=PARKS_LINES,
        years=[("2026/27", Decimal(600_000))],
        rng=rng,
        log=log,
        responses=60,
    )
    _assessment(leeds, log)
