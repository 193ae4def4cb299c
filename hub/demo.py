"""Demo case studies for `seed_demo`: 61 pieces of good practice by real councils.

Generated from a fixed seed: the same councils, authors, comments and votes every run. A case
study that already exists (same slug) is left alone, so a second run adds nothing.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django_comments_xtd.models import XtdComment

from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import Page

from accounts.models import Organisation, OrganisationKind, User
from hub import cache
from hub.demo_content import CASE_STUDIES
from hub.models import GoodPracticeIndexPage, GoodPracticePage, ServiceArea, UsefulVote
from hub.services import (
    Figure,
    case_study_draft_create,
    case_study_submit,
    review_workflow_ensure,
    service_areas_ensure,
    text_to_rich_text,
)

OFFICER_EMAIL = "officer@knowledgehub.example"

COMMENTS = [
    "Really useful, thank you. How did you get the NHS to agree to share data?",
    "We tried something similar last year. The hardest part for us was keeping **frontline staff** on board once the pilot funding ended.",
    "Did you measure what happened after the first year? We are putting a business case together.",
    "This is the kind of detail that makes a case study worth reading. Could you share the project plan?",
    "We are about to start this in our area. Happy to compare notes with anyone else doing the same.",
    "How did you handle the procurement? Was it a direct award or a framework?",
    "Great results. What would you do differently if you started again?",
    "Interesting that the savings came mostly from reduced demand rather than efficiencies.",
    "Our members asked exactly this question at scrutiny last month. Sharing with our team.",
    "Did residents have a say in the design? We found co-production slowed us down at first but paid off later.",
]
REPLIES = [
    "Thanks. It took six months of conversations and a data protection impact assessment signed off by both Caldicott guardians.",
    "Happy to share. Drop me a message and I will send the plan and the evaluation.",
    "We would involve finance much earlier. The business case was the slowest part.",
    "Agreed, we saw the same. Starting small helped.",
    "It was a call-off from a regional framework, which saved us about three months.",
    "We are planning a year-two evaluation with the university; I will post it here.",
]


def _councils(rng: random.Random) -> list[Organisation]:
    councils = list(Organisation.objects.filter(kind=OrganisationKind.COUNCIL).order_by("ons_code"))
    rng.shuffle(councils)
    return councils


def _figure(figure) -> Figure | None:
    if figure is None:
        return None
    value, unit, description = figure
    return Figure(Decimal(value.replace(",", "")), unit, description)


def _add_comments(
    page: GoodPracticePage,
    *,
    rng: random.Random,
    people: list[User],
    site: Site,
    published,
    now,
) -> int:
    """A page's discussion, dated between its publication and now, each reply after its comment.

    Times are drawn first and sorted, so conversations start in the order they are shown
    (django-comments-xtd orders by thread, that is by creation).
    """
    count = 0
    span = max((now - published).total_seconds(), 3600)
    starts = sorted(
        published + timedelta(seconds=rng.uniform(0.05, 0.8) * span) for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 6]))
    )
    for when in starts:
        author = rng.choice(people)
        top = XtdComment(
            content_object=page,
            site=site,
            user=author,
            user_name=str(author)[:50],
            user_email=author.email,
            comment=rng.choice(COMMENTS),
            submit_date=when,
        )
        top.save()
        count += 1
        if rng.random() < 0.5:
            replier = page.owner if page.owner and rng.random() < 0.6 else rng.choice(people)
            reply = XtdComment(
                content_object=page,
                site=site,
                user=replier,
                user_name=str(replier)[:50],
                user_email=replier.email,
                comment=rng.choice(REPLIES),
                # Within the rest of the span: after the comment, never after now.
                submit_date=when + (now - when) * rng.uniform(0.05, 0.5),
                parent_id=top.pk,
            )
            reply.save()
            count += 1
    return count


@transaction.atomic
def _seed_case_studies(log) -> None:
    rng = random.Random(3)
    index = GoodPracticeIndexPage.objects.get()
    review_workflow_ensure(index=index)
    areas = {area.slug: area for area in service_areas_ensure()}
    people = list(User.objects.filter(email__endswith=".example").select_related("organisation").order_by("email"))
    if not people:
        log("  no demo people yet: run the accounts demo first")
        return
    officer = next((p for p in people if p.email == OFFICER_EMAIL), people[0])
    council_people = [
        p for p in people if p.organisation is not None and p.organisation.kind == OrganisationKind.COUNCIL
    ] or people
    councils = _councils(rng)
    existing = set(index.get_children().values_list("slug", flat=True))
    site = Site.objects.get_current()
    now = timezone.now()
    created = comments = votes = 0
    council_at = 0
    entries = [(slug, entry) for slug, items in CASE_STUDIES.items() for entry in items]
    for number, (area_slug, entry) in enumerate(entries):
        title, summary, challenge, approach, outcome, figure, themes = entry
        slug = slugify(title)[:60].strip("-")
        # The author works for the lead council, so the contact and the council agree.
        author = officer if number % 15 == 0 else rng.choice(council_people)
        lead = author.organisation or councils[council_at % len(councils)]
        partner = councils[council_at % len(councils)] if number % 5 == 0 else None
        if partner == lead:
            partner = None
        council_at += 1
        if slug in existing:
            continue
        page = GoodPracticePage(
            title=title,
            slug=slug,
            summary=summary,
            challenge=f"{challenge}\n\n{lead.name} set out to change that.",
            approach=approach,
            cost=rng.choice(
                [
                    "No extra cost: delivered within existing budgets",
                    "£25,000 from the transformation fund",
                    "£80,000 over two years, half from a government grant",
                    "£150,000 invest-to-save, paid back in eighteen months",
                    "£12,000 for equipment and training",
                    "£400,000 capital, £60,000 a year revenue",
                ]
            ),
            timescale=rng.choice(
                [
                    "Six months",
                    "Nine months from pilot to full roll-out",
                    "One year",
                    "Eighteen months",
                    "Two years, in three phases",
                ]
            ),
            service_area=areas[area_slug],
            owner=author,
            contact=author,
            last_reviewed=(now - timedelta(days=rng.randint(10, 200))).date(),
        )
        blocks = [("paragraph", text_to_rich_text(outcome))]
        parsed = _figure(figure)
        if parsed:
            blocks.append(
                (
                    "figure",
                    {
                        "value": parsed.value,
                        "unit": parsed.unit,
                        "description": parsed.description,
                    },
                )
            )
        blocks.append(
            (
                "quote",
                {
                    "text": "Starting small, measuring from day one and involving the people who use the service made the difference.",
                    "attribution": f"Service manager, {lead.name}",
                },
            )
        )
        page.outcomes = blocks
        page.organisations = [lead, partner] if partner else [lead]
        page.tags.set(themes)
        index.add_child(instance=page)
        page.save_revision(user=author).publish(user=author, skip_permission_checks=True)
        published = now - timedelta(days=rng.randint(5, 720), hours=rng.randint(0, 23))
        Page.objects.filter(pk=page.pk).update(first_published_at=published, last_published_at=published)
        comments += _add_comments(page, rng=rng, people=people, site=site, published=published, now=now)
        voters = rng.sample(people, k=min(len(people), rng.choice([0, 1, 3, 5, 8, 13, 21])))
        UsefulVote.objects.bulk_create(
            [UsefulVote(page=page, user=voter) for voter in voters],
            ignore_conflicts=True,
        )
        votes += len(voters)
        created += 1
        existing.add(slug)
    log(
        f"  {created} case studies created ({GoodPracticePage.objects.live().count()} published in the library), {comments} comments, {votes} useful votes"
    )
    _seed_officer_submission(index=index, officer=officer, areas=areas, log=log)
    transaction.on_commit(cache.bump)


def _seed_officer_submission(*, index, officer: User, areas: dict, log) -> None:
    """One case study of the demo officer's waiting for an editor, to show the review path."""
    title = "Street-level air quality monitoring with schools"
    if GoodPracticePage.objects.filter(owner=officer, title=title).exists():
        return
    page = case_study_draft_create(
        user=officer,
        index=index,
        data={
            "title": title,
            "summary": "Pupils helped place low-cost air quality sensors outside twelve schools and used the data to campaign for school streets.",
            "service_area": areas["climate-and-environment"],
            "organisations": [officer.organisation] if officer.organisation else [],
            "challenge": "Parents were worried about air pollution at the school gate but we had only two monitoring stations.",
            "approach": "We lent sensors to twelve schools, pupils analysed the readings in science lessons and presented them to councillors.",
            "outcomes_text": "Four schools now have school streets and idling complaints fell.",
            "figure": Figure(Decimal(12), "schools", "monitoring air quality at the gate"),
            "cost": "£18,000 for sensors and teaching materials",
            "timescale": "One school year",
            "themes": ["air quality", "schools", "citizen science"],
        },
    )
    if not page.organisations.exists():
        # The demo officer has no organisation: file it under the first council.
        page.delete()
        return
    case_study_submit(user=officer, page=page)
    log(f"  {officer.email} has “{title}” waiting for review")


def seed(*, options: dict, log) -> None:
    service_areas_ensure()
    _seed_case_studies(log)
    log(f"  {ServiceArea.objects.count()} service areas")
