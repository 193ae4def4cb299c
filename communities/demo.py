"""Demo communities for `seed_demo`: 28 communities of all three kinds, members, threads, replies.

Members come from the demo people (addresses ending in ".example"). A community that already
exists is left alone, so running the command again adds nothing.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from communities.models import (
    Access,
    CommunityIndexPage,
    CommunityPage,
    Frequency,
    Membership,
    Reply,
    Role,
    State,
    Thread,
    Topic,
)
from communities.rendering import render_markdown

OPEN, RESTR, PRIV = Access.OPEN, Access.RESTRICTED, Access.PRIVATE

# title, access, topic, summary
COMMUNITIES = [
    (
        "Homelessness prevention",
        OPEN,
        Topic.HOUSING,
        "Officers sharing what stops households becoming homeless, from early help to the Duty to Refer.",
    ),
    (
        "Temporary accommodation managers",
        RESTR,
        Topic.HOUSING,
        "Managing nightly-paid and leased temporary accommodation: costs, standards and moves on.",
    ),
    (
        "Adult social care commissioning",
        OPEN,
        Topic.SOCIAL_CARE,
        "Commissioners of home care, residential care and day opportunities comparing approaches.",
    ),
    (
        "Directors of adult social services (South West)",
        PRIV,
        Topic.SOCIAL_CARE,
        "A closed forum for directors in the region to test ideas before they are public.",
    ),
    (
        "Council tax and benefits",
        OPEN,
        Topic.FINANCE,
        "Revenues and benefits teams on council tax support schemes, collection and recovery.",
    ),
    (
        "Section 151 officers network",
        PRIV,
        Topic.FINANCE,
        "Chief finance officers discussing budget pressures and section 114 risk in confidence.",
    ),
    (
        "Medium-term financial planning",
        RESTR,
        Topic.FINANCE,
        "Building and stress-testing medium-term financial strategies.",
    ),
    ("Digital inclusion", OPEN, Topic.DIGITAL, "Helping residents get online: devices, data, skills and confidence."),
    (
        "Local government data practitioners",
        OPEN,
        Topic.DIGITAL,
        "Analysts and data engineers sharing pipelines, dashboards and open data practice.",
    ),
    (
        "Service design in councils",
        OPEN,
        Topic.DIGITAL,
        "Designers and researchers improving council services with the people who use them.",
    ),
    (
        "Cyber security leads",
        PRIV,
        Topic.DIGITAL,
        "Information security officers sharing incidents and threat intelligence under TLP rules.",
    ),
    (
        "Net zero and climate action",
        OPEN,
        Topic.CLIMATE,
        "Climate officers on retrofit, fleet, heat networks and carbon accounting.",
    ),
    (
        "Waste and recycling managers",
        RESTR,
        Topic.CLIMATE,
        "Collection rounds, Simpler Recycling, food waste and contracts.",
    ),
    (
        "Local plan makers",
        OPEN,
        Topic.PLANNING,
        "Planning policy officers working through local plans and the new national framework.",
    ),
    ("Town centre regeneration", OPEN, Topic.PLANNING, "High streets, markets, vacant units and levelling up funds."),
    (
        "Special educational needs and disabilities",
        RESTR,
        Topic.CHILDREN,
        "SEND leads on EHC plans, high needs deficits and inclusion in mainstream schools.",
    ),
    (
        "Children's social care reform",
        OPEN,
        Topic.CHILDREN,
        "Family help, kinship care and the children's social care reforms.",
    ),
    (
        "Care leavers' local offer",
        OPEN,
        Topic.CHILDREN,
        "Personal advisers and managers improving support for young people leaving care.",
    ),
    (
        "Public health intelligence",
        RESTR,
        Topic.HEALTH,
        "Public health analysts on JSNAs, health inequalities and outcome frameworks.",
    ),
    (
        "Healthy weight and physical activity",
        OPEN,
        Topic.HEALTH,
        "Whole-systems approaches to healthy weight and getting people active.",
    ),
    (
        "Community safety partnerships",
        OPEN,
        Topic.SAFETY,
        "Anti-social behaviour, serious violence duty and domestic abuse services.",
    ),
    (
        "Fire prevention and protection",
        RESTR,
        Topic.SAFETY,
        "Fire and rescue prevention teams on home fire safety checks and building safety.",
    ),
    (
        "Organisational development leads",
        OPEN,
        Topic.WORKFORCE,
        "OD and HR people on culture, change and workforce planning.",
    ),
    (
        "New chief executives' circle",
        PRIV,
        Topic.WORKFORCE,
        "Peer support for chief executives in their first two years.",
    ),
    ("Scrutiny officers", OPEN, Topic.GOVERNANCE, "Supporting overview and scrutiny committees to make a difference."),
    ("Democratic services", RESTR, Topic.GOVERNANCE, "Committee administration, elections and member development."),
    (
        "Devolution deal negotiators",
        PRIV,
        Topic.GOVERNANCE,
        "Officers preparing devolution deals and combined authority governance.",
    ),
    (
        "Councillors for housing",
        OPEN,
        Topic.HOUSING,
        "Cabinet members and councillors with a housing brief, sharing what works.",
    ),
]

THREADS = [
    (
        "How are you using the Duty to Refer with probation?",
        "We get referrals far too late, often on the day of release. Has anyone agreed a **protocol** with their probation service that works?",
    ),
    (
        "Budget setting: what assumptions for pay in 2027/28?",
        "We are modelling 3% but hearing 4% from some neighbours. What are you using, and how are you presenting the risk to members?",
    ),
    (
        "Sharing a template for a data protection impact assessment",
        "Attached our DPIA template for a new case management system. Comments welcome: we are reviewing it next month.",
    ),
    (
        "Recruiting and keeping occupational therapists",
        "We have had an OT vacancy for nine months. Has anyone had success with apprenticeships or market supplements?",
    ),
    (
        "Lessons from moving to a new case management system",
        "We go live in March. What would you do differently if you did it again?",
    ),
    (
        "Engaging residents who do not come to consultation events",
        "Our last consultation had 40 responses from 120,000 residents. What has worked for you to reach people?",
    ),
    (
        "Good examples of outcome-based commissioning?",
        "Looking for contracts that pay for outcomes rather than hours. Did it change anything for people using the service?",
    ),
    (
        "Peer review: what did you find most useful?",
        "We have a corporate peer challenge in the spring. What should we ask the team to focus on?",
    ),
]

REPLIES = [
    "We had the same problem. What helped was a named contact on each side and a monthly meeting to look at cases together.",
    "Thanks for raising this. Our approach is written up on the good practice pages; happy to talk it through.",
    "We tried that in 2024 and it did not work for us, mainly because the data was not shared quickly enough.",
    "Could you say a bit more about how you measured the impact? We would need that for our members.",
    "+1 to this. We are about to start the same piece of work, so it would be good to compare notes.",
    "Our finance team found the opposite, but our population is much older, which may explain it.",
    "I will share our template once it has been through our information governance board.",
    "This is really useful, thank you. We have adapted it for a district council context.",
]


def add_arguments(parser) -> None:
    parser.add_argument(
        "--communities",
        type=int,
        default=len(COMMUNITIES),
        help=f"How many demo communities to create (default {len(COMMUNITIES)}).",
    )


@transaction.atomic
def _seed_community(index, spec, people, rng, log) -> bool:
    from django.utils.text import slugify

    title, access, topic, summary = spec
    slug = slugify(title)
    if CommunityPage.objects.filter(slug=slug).exists():
        return False
    community = index.add_child(
        instance=CommunityPage(
            title=title,
            slug=slug,
            summary=summary,
            description="This community is run by its facilitators on behalf of its members. "
            "Start a discussion, share documents in the library, and tell us what you would like to talk about next.",
            rules="Be kind and constructive. Do not share personal data about residents. "
            "Keep confidential material to private communities.",
            access=access,
            topic=topic,
        )
    )
    chosen = rng.sample(people, min(len(people), rng.randint(12, 40)))
    now = timezone.now()
    memberships = []
    for position, user in enumerate(chosen):
        role = Role.FACILITATOR if position < 2 else Role.MODERATOR if position == 2 else Role.MEMBER
        memberships.append(
            Membership(
                community=community,
                user=user,
                role=role,
                state=State.ACTIVE,
                email_frequency=rng.choice([Frequency.IMMEDIATE, Frequency.DAILY, Frequency.WEEKLY, Frequency.NONE]),
                created_at=now - datetime.timedelta(days=rng.randint(30, 400)),
            )
        )
    if access == Access.RESTRICTED:
        outsider = next((p for p in people if p not in chosen), None)
        if outsider is not None:
            memberships.append(
                Membership(
                    community=community,
                    user=outsider,
                    state=State.PENDING,
                    request_message="I lead on this for my council and would like to join.",
                )
            )
    Membership.objects.bulk_create(memberships)
    members = chosen
    for number in range(rng.randint(3, 6)):
        title_text, body = THREADS[(number + len(slug)) % len(THREADS)]
        started = now - datetime.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
        thread = Thread.objects.create(
            community=community,
            author=rng.choice(members),
            title=title_text,
            body=body,
            body_html=render_markdown(body),
            created_at=started,
            last_activity_at=started,
            is_pinned=number == 0,
        )
        replies = []
        moment = started
        for _ in range(rng.randint(1, 8)):
            moment += datetime.timedelta(hours=rng.randint(1, 30))
            text = rng.choice(REPLIES)
            replies.append(
                Reply(
                    thread=thread,
                    author=rng.choice(members),
                    body=text,
                    body_html=render_markdown(text),
                    created_at=min(moment, now),
                )
            )
        Reply.objects.bulk_create(replies)
        Thread.objects.filter(pk=thread.pk).update(reply_count=len(replies), last_activity_at=min(moment, now))
    return True


def seed(*, options: dict, log) -> None:
    index = CommunityIndexPage.objects.first()
    if index is None:
        log("  no /communities/ page: run site_structure_ensure first")
        return
    people = list(User.objects.filter(email__endswith=".example").order_by("pk")[:400])
    if len(people) < 5:
        log("  fewer than five demo people: seed accounts first")
        return
    wanted = COMMUNITIES[: options.get("communities", len(COMMUNITIES))]
    created = 0
    for spec in wanted:
        # Each community draws from its own seeded generator, so one that already exists
        # does not change what the others get.
        if _seed_community(index, spec, people, random.Random(spec[0]), log):
            created += 1
    officer = User.objects.filter(email="officer@knowledgehub.example").first()
    moderator = User.objects.filter(email="moderator@knowledgehub.example").first()
    # The documented demo accounts get a predictable place: the officer facilitates the first
    # community and belongs to a private one.
    if officer is not None and created:
        for slug, role in (
            ("homelessness-prevention", Role.FACILITATOR),
            ("temporary-accommodation-managers", Role.FACILITATOR),
            ("section-151-officers-network", Role.MEMBER),
        ):
            community = CommunityPage.objects.filter(slug=slug).first()
            if community is not None:
                Membership.objects.update_or_create(
                    community=community, user=officer, defaults={"role": role, "state": State.ACTIVE}
                )
    if officer is not None:
        _seed_activity(officer, log)
    if moderator is not None and created:
        log("  site moderator moderator@knowledgehub.example can moderate every community")
    log(f"  {created} communities created, {len(wanted) - created} already present")


OFFICER_THREAD = "Temporary accommodation costs this winter"


def _seed_activity(officer, log) -> None:
    """Unread notifications for the officer and an open report for the moderators, made through
    the services: a reply to the officer's thread, a mention, a join request to a restricted
    community they facilitate, and a reply reported for naming a resident. Done once: the
    officer's thread marks it as done."""
    from communities import services

    community = CommunityPage.objects.filter(slug="homelessness-prevention").first()
    restricted = CommunityPage.objects.filter(slug="temporary-accommodation-managers").first()
    if community is None or Thread.objects.filter(community=community, author=officer, title=OFFICER_THREAD).exists():
        return
    colleagues = list(
        User.objects.filter(
            community_memberships__community=community,
            community_memberships__state=State.ACTIVE,
            community_memberships__role=Role.MEMBER,
        )
        .exclude(pk=officer.pk)
        .order_by("pk")[:3]
    )
    if len(colleagues) < 3:
        return
    first, second, third = colleagues
    thread = services.thread_create(
        community=community,
        author=officer,
        title=OFFICER_THREAD,
        body="Our nightly-paid placements have gone up by a fifth since April. "
        "How are other councils keeping the cost down without moving families out of area?",
    )
    services.reply_create(
        thread=thread,
        author=first,
        body="We block-booked two hostels for the winter at a fixed rate, which helped a lot.",
    )
    services.reply_create(
        thread=thread,
        author=second,
        body=f"@{services.user_handle(officer)} could you share your placement figures? "
        "We are making the same case to our cabinet.",
    )
    named = services.reply_create(
        thread=thread,
        author=third,
        body="The Jones family at 14 Mill Lane have been in a B&B for nine weeks now.",
    )
    services.report_create(reporter=first, thread=thread, reply=named, reason="Names a family and their address.")
    if restricted is not None:
        outsider = (
            User.objects.filter(email__endswith=".example")
            .exclude(email__endswith="@knowledgehub.example")
            .exclude(community_memberships__community=restricted)
            .order_by("pk")
            .first()
        )
        if outsider is not None:
            services.membership_request(
                community=restricted,
                user=outsider,
                message="I manage our council's temporary accommodation team and would like to join.",
            )
    log("  officer@knowledgehub.example has unread notifications; one report awaits the moderators")
