"""The peer bank, the challenges councils book and the teams matched to them.

A peer's areas, skills and accreditation live on their `accounts.Profile`; the `PeerRecord`
adds only what the programme needs to staff a team: the roles they can take, their party (member
peers), the days they offer a year and when, over the three-year programme, they are free.
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation

# The programme runs for three years from April of its first year; a deployment moves it with
# the PEERS_PROGRAMME_START setting (an ISO date).
PROGRAMME_YEARS = 3
DEFAULT_WEEK_CAPACITY = 3  # challenges on site in one week: about 140 a year across 48 weeks
MEMBER_SUPPORT_FREE_DAYS = 5
MAX_DAYS_ON_SITE = 4


def programme_start() -> date:
    configured = getattr(settings, "PEERS_PROGRAMME_START", None)
    if configured:
        return date.fromisoformat(configured)
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    # The programme began in April of 2026 unless told otherwise; it never starts in the future.
    return date(min(year, 2026), 4, 1)


def programme_end() -> date:
    start = programme_start()
    return date(start.year + PROGRAMME_YEARS, 4, 1) - timedelta(days=1)


def new_token() -> str:
    return secrets.token_urlsafe(32)


class PeerKind(models.TextChoices):
    MEMBER = "member", "Member peer (councillor)"
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive peer"
    SENIOR_OFFICER = "senior_officer", "Senior officer peer"
    BUSINESS = "business", "Expert from business"
    VOLUNTARY = "voluntary", "Expert from the voluntary sector"
    CIVIL_SERVICE = "civil_service", "Expert from the civil service"
    CHALLENGE_MANAGER = "challenge_manager", "Peer challenge manager"


class TeamRole(models.TextChoices):
    LEAD_OFFICER = "lead_officer", "Lead officer peer"
    LEAD_MEMBER = "lead_member", "Lead member peer"
    MEMBER = "member", "Member peer"
    SENIOR_OFFICER = "senior_officer", "Senior officer peer"
    EXPERT = "expert", "Expert peer"
    CHALLENGE_MANAGER = "challenge_manager", "Peer challenge manager"


# Roles taken by councillors: their party matters for political balance.
MEMBER_ROLES = frozenset({TeamRole.LEAD_MEMBER, TeamRole.MEMBER})


class Party(models.TextChoices):
    CONSERVATIVE = "conservative", "Conservative"
    LABOUR = "labour", "Labour"
    LIBERAL_DEMOCRAT = "liberal_democrat", "Liberal Democrat"
    GREEN = "green", "Green"
    INDEPENDENT = "independent", "Independent"
    PLAID_CYMRU = "plaid_cymru", "Plaid Cymru"
    REFORM = "reform", "Reform UK"


class PeerRecord(models.Model):
    """A peer's entry in the bank: what they can do on a team and how much time they give.

    Organisers and the parties to a challenge see it; anyone else sees it only where the peer
    chose `public`.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_record")
    kind = models.CharField(max_length=32, choices=PeerKind.choices)
    roles = models.JSONField(default=list, blank=True, help_text="Keys of TeamRole this peer can take.")
    party = models.CharField(max_length=32, choices=Party.choices, blank=True)
    days_offered = models.PositiveSmallIntegerField("days offered a year", default=0)
    public = models.BooleanField(
        "show on my profile", default=False, help_text="Show that you are a peer, and your roles, to members."
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return f"Peer record of {self.user}"

    @property
    def role_labels(self) -> list[str]:
        labels = dict(TeamRole.choices)
        return [labels[key] for key in self.roles if key in labels]


class AvailabilityWindow(models.Model):
    """A stretch of the programme in which a peer can be on site (inclusive dates)."""

    record = models.ForeignKey(PeerRecord, on_delete=models.CASCADE, related_name="windows")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="peers_window_order")
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}"


class ProgrammeWeek(models.Model):
    """A week of the programme (starting on a Monday) and how many challenges it can hold.

    Booking locks this row, so two councils choosing the last place in a week cannot both get it.
    """

    starts_on = models.DateField(unique=True)
    capacity = models.PositiveSmallIntegerField(default=DEFAULT_WEEK_CAPACITY)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"Week of {self.starts_on:%-d %B %Y}"


class ChallengeKind(models.TextChoices):
    CORPORATE = "corporate", "Corporate peer challenge"
    SUBJECT = "subject", "Subject-specific peer challenge"
    MEMBER_SUPPORT = "member_support", "Member peer support after a change of control"


class ChallengeStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"


# Challenges that hold a place in their week.
ACTIVE_STATUSES = (ChallengeStatus.REQUESTED, ChallengeStatus.CONFIRMED, ChallengeStatus.IN_PROGRESS)

CORE_COMPONENTS = (
    "Local priorities and outcomes",
    "Organisational and place leadership",
    "Governance and culture",
    "Financial planning and management",
    "Capacity for improvement",
)


class Challenge(models.Model):
    """A peer challenge or a spell of member peer support, booked by a council for one week."""

    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="peer_challenges")
    kind = models.CharField(max_length=32, choices=ChallengeKind.choices, default=ChallengeKind.CORPORATE)
    status = models.CharField(
        max_length=16, choices=ChallengeStatus.choices, default=ChallengeStatus.REQUESTED, db_index=True
    )
    week = models.ForeignKey(ProgrammeWeek, on_delete=models.PROTECT, related_name="challenges")
    days_on_site = models.PositiveSmallIntegerField(default=MAX_DAYS_ON_SITE)
    focus_areas = models.JSONField(default=list, blank=True, help_text="Keys of accounts.PeerArea.")
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="peer_challenges_requested"
    )
    free_days = models.PositiveSmallIntegerField(
        default=0, help_text="Free days of member peer support allowed (five after a change of control)."
    )
    decision_reason = models.TextField(blank=True)
    match_exclusions = models.JSONField(
        default=dict, blank=True, help_text="The last proposal's hard rules and whom each excluded."
    )
    report = models.TextField(blank=True)
    report_published_at = models.DateTimeField(null=True, blank=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["week__starts_on", "pk"]
        indexes = [models.Index(fields=["status", "week"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.council}"

    @property
    def starts_on(self) -> date:
        return self.week.starts_on

    @property
    def ends_on(self) -> date:
        return self.week.starts_on + timedelta(days=max(self.days_on_site, 1) - 1)


class MembershipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REMOVED = "removed", "Removed by the organiser"


# Memberships that hold a place on the team (and the peer's days).
HOLDING_STATUSES = (MembershipStatus.PROPOSED, MembershipStatus.INVITED, MembershipStatus.ACCEPTED)


class TeamMembership(models.Model):
    """A peer's place on a challenge team, from proposal through invitation to their answer."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="team")
    peer = models.ForeignKey(PeerRecord, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=TeamRole.choices)
    status = models.CharField(max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.PROPOSED)
    reason = models.TextField(blank=True, help_text="Why the matching chose this peer.")
    days_given = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    feedback = models.TextField(blank=True, help_text="Feedback on the peer's contribution.")
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "pk"]
        indexes = [models.Index(fields=["peer", "status"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} on {self.challenge}"


class StepKind(models.TextChoices):
    SCOPING = "scoping", "Scoping meeting"
    POSITION_STATEMENT = "position_statement", "Position statement"
    DATA_PACK = "data_pack", "Data pack"
    ON_SITE = "on_site", "On site, ending with the feedback presentation"
    REPORT = "report", "Report published"
    ACTION_PLAN = "action_plan", "Action plan"
    PROGRESS_REVIEW = "progress_review", "Progress review"
    PROGRESS_REPORT = "progress_report", "Progress review report"


# The LGA's own intervals, in days from the first day on site (negative: before it).
DEFAULT_STEP_OFFSETS = {
    StepKind.SCOPING: -150,
    StepKind.POSITION_STATEMENT: -28,
    StepKind.DATA_PACK: -21,
    StepKind.ON_SITE: 0,
    StepKind.REPORT: 91,
    StepKind.ACTION_PLAN: 152,
    StepKind.PROGRESS_REVIEW: 304,
    StepKind.PROGRESS_REPORT: 365,
}


class TimelineStep(models.Model):
    """One step of a challenge's life, with the date it is due and when it was done."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=32, choices=StepKind.choices)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["challenge", "kind"], name="peers_one_step_of_each_kind")]
        indexes = [models.Index(fields=["done_at", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on}"


class Notice(models.Model):
    """An in-app notice on the peers pages: a decision, an invitation, an answer.

    Communities' notification centre belongs to communities (each entry names a community), so
    the programme keeps its own, shown on the peer challenge pages, and sends its own email.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
