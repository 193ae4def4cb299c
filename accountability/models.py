"""Budget simulations residents balance, and local self-assessments councils share.

Money is held in whole pounds (Decimal) and changes to a line as a percentage of its net
spend (or, for income, of its current yield). A simulation's figures are frozen once residents
have answered it: every stored response, and its tallies, are read against the lines as they
were when it was given.
"""

import uuid
from decimal import Decimal

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, InlinePanel

# Council tax bands in their statutory ratios to band D (Local Government Finance Act 1992,
# s.5(1), England): A is 6/9 of D, H 18/9.
BAND_NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}
COUNCIL_TAX_BANDS: dict[str, Decimal] = {band: Decimal(ninths) / 9 for band, ninths in BAND_NINTHS.items()}

PERCENT = {"max_digits": 6, "decimal_places": 2}
MONEY = {"max_digits": 14, "decimal_places": 0}


class AgeBand(models.TextChoices):
    UNDER_18 = "under-18", "Under 18"
    AGE_18_24 = "18-24", "18 to 24"
    AGE_25_34 = "25-34", "25 to 34"
    AGE_35_49 = "35-49", "35 to 49"
    AGE_50_64 = "50-64", "50 to 64"
    AGE_65_PLUS = "65-plus", "65 or over"


class SimulationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Simulation(models.Model):
    """A council's budget simulator: the gap residents are asked to close, and its lines.

    Drafts are seen only by the council's staff (as a preview); a published simulation takes
    responses between `opens_at` and `closes_at`. `embed_domains` are the sites that may frame
    the embeddable page, one origin per line.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="simulations")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    budget_year = models.CharField(max_length=20, help_text="For example, 2026/27.")
    band_d_charge = models.DecimalField(
        "band D council tax (£)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The council's own band D charge this year, so residents can see their bill by band.",
    )
    referendum_limit = models.DecimalField(
        "council tax referendum limit (%)",
        **PERCENT,
        default=Decimal("4.99"),
        help_text="No council tax line may rise further than this.",
    )
    status = models.CharField(max_length=16, choices=SimulationStatus.choices, default=SimulationStatus.DRAFT)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    results_published = models.BooleanField(default=False, help_text="Show the results to everyone.")
    results_statement = models.TextField(
        "you said, we did", blank=True, help_text="What the council did with what residents said."
    )
    embed_domains = models.TextField(
        blank=True, help_text="Sites that may embed the simulator, one per line, e.g. https://www.leeds.gov.uk"
    )
    # Bumped on every write that changes results, so cached results never outlive a change.
    results_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == SimulationStatus.PUBLISHED

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if not self.is_published:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def embed_origins(self) -> list[str]:
        return [line.strip().rstrip("/") for line in self.embed_domains.splitlines() if line.strip()]


class SimulationYear(models.Model):
    """The gap to close by the end of one year: the first year's, and any later years' where
    the gap grows. Gaps are cumulative (what must have been saved by then)."""

    simulation = models.ForeignKey(Simulation, on_delete=models.CASCADE, related_name="years")
    label = models.CharField(max_length=20)
    gap = models.DecimalField("gap to close (£)", **MONEY, validators=[MinValueValidator(0)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label


class LineGroup(models.Model):
    """A heading lines are grouped under (Adult social care, Children's services...)."""

    simulation = models.ForeignKey(Simulation, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class LineKind(models.TextChoices):
    SPEND = "spend", "Service spending"
    INCOME = "income", "Income (fees and charges)"
    COUNCIL_TAX = "council_tax", "Council tax"


class Line(models.Model):
    """A service's spending or a source of income that residents may move within a range.

    `floor_percent` is a statutory floor the line cannot go below, with the reason shown to
    residents. Council tax rises recur every year (each year's rise compounds on the last);
    other changes are made once and hold in later years.
    """

    simulation = models.ForeignKey(Simulation, on_delete=models.CASCADE, related_name="lines")
    group = models.ForeignKey(LineGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="lines")
    kind = models.CharField(max_length=16, choices=LineKind.choices, default=LineKind.SPEND)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    amount = models.DecimalField(
        "current net spend or income (£)", **MONEY, validators=[MinValueValidator(0)], default=Decimal(0)
    )
    min_percent = models.DecimalField("lowest change (%)", **PERCENT, default=Decimal(-20))
    max_percent = models.DecimalField("highest change (%)", **PERCENT, default=Decimal(10))
    step_percent = models.DecimalField(
        "step (%)", **PERCENT, default=Decimal(5), validators=[MinValueValidator(Decimal("0.01"))]
    )
    floor_percent = models.DecimalField(
        "statutory floor (%)", **PERCENT, null=True, blank=True, help_text="The line cannot go below this change."
    )
    floor_reason = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_income(self) -> bool:
        return self.kind in (LineKind.INCOME, LineKind.COUNCIL_TAX)

    @property
    def lowest(self) -> Decimal:
        """The lowest change a resident may choose: the range's, or the statutory floor's."""
        if self.floor_percent is not None and self.floor_percent > self.min_percent:
            return self.floor_percent
        return self.min_percent

    def levels(self) -> list[Decimal]:
        """Every change a resident may choose: from the lowest to the highest in steps, 0 always
        among them (no change is always a choice), the highest included even off-step."""
        found = {Decimal(0).quantize(Decimal("0.01"))} if self.lowest <= 0 <= self.max_percent else set()
        value = self.lowest
        while value <= self.max_percent:
            found.add(value.quantize(Decimal("0.01")))
            value += self.step_percent
        found.add(self.max_percent.quantize(Decimal("0.01")))
        return sorted(found)


class Consequence(models.Model):
    """What a level of change means, in plain words ("at −10 %: two libraries open four days
    a week"). A choice shows the consequence of the furthest level it reaches."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="consequences")
    percent = models.DecimalField(**PERCENT)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["percent"]
        constraints = [models.UniqueConstraint(fields=["line", "percent"], name="accountability_consequence_level")]

    def __str__(self) -> str:
        return f"{self.percent}%: {self.text}"


class Response(models.Model):
    """One resident's balanced budget. No account and no personal data: the address and
    browser are kept only as keyed hashes, to rate-limit and to spot duplicates.

    `excluded` responses (suspected duplicates, or ones the council set aside) are not
    counted; `csv_row` is the response as its line of the CSV export, rendered once when it
    is given, so the export of tens of thousands is a single read.
    """

    simulation = models.ForeignKey(Simulation, on_delete=models.CASCADE, related_name="responses")
    choices = models.JSONField(help_text="Line id (as text) -> change in percent (as text).")
    area = models.CharField("postcode district or ward", max_length=60, blank=True)
    age_band = models.CharField(max_length=16, choices=AgeBand.choices, blank=True)
    reason = models.TextField(blank=True)
    address_hash = models.CharField(max_length=64)
    browser_hash = models.CharField(max_length=64)
    choices_hash = models.CharField(max_length=64)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    excluded = models.BooleanField(default=False)
    csv_row = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["simulation", "browser_hash"]),
            models.Index(fields=["simulation", "address_hash", "choices_hash"]),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.simulation}"


class Tally(models.Model):
    """How many counted responses chose `percent` for a line, overall (`segment` "") or
    within an age band (`segment` "age:<band>"). Results are read from these, not from the responses:
    a results page costs the same for twenty responses or twenty thousand."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="tallies")
    segment = models.CharField(max_length=24, default="")
    percent = models.DecimalField(**PERCENT)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "segment", "percent"], name="accountability_tally_level")
        ]

    def __str__(self) -> str:
        return f"{self.line}: {self.percent}% ({self.segment or 'all'}) × {self.count}"


class SegmentCount(models.Model):
    """How many responses a simulation has in a segment: counted ones overall (""), by age
    band ("age:<band>", "age:" for not given) and by area ("area:<area>"), and the excluded
    ("excluded") and suspected duplicates ("duplicates"). Kept with the tallies, so the
    results page counts without reading a response."""

    simulation = models.ForeignKey(Simulation, on_delete=models.CASCADE, related_name="segment_counts")
    segment = models.CharField(max_length=80)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["simulation", "segment"], name="accountability_segment_count")]

    def __str__(self) -> str:
        return f"{self.simulation}: {self.segment or 'counted'} × {self.count}"


# --- Self-assessment -------------------------------------------------------------------------


class Framework(ClusterableModel):
    """A self-assessment framework: themes of statements people rate. Edited by site editors."""

    name = models.CharField(max_length=200, unique=True)
    introduction = models.TextField(blank=True)
    scale_max = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(3), MaxValueValidator(10)], help_text="Ratings run from 1 to this."
    )

    panels = [FieldPanel("name"), FieldPanel("introduction"), FieldPanel("scale_max"), InlinePanel("themes")]

    def __str__(self) -> str:
        return self.name


class Theme(ClusterableModel):
    """A theme of a framework (leadership and priorities, governance and scrutiny...)."""

    framework = ParentalKey(Framework, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    # Inline in its framework; its statements are edited on the theme's own snippet page
    # (Wagtail does not nest inline panels).
    panels = [FieldPanel("title")]

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.title


class Statement(models.Model):
    """One statement respondents rate ("Our priorities reflect what residents tell us")."""

    theme = ParentalKey(Theme, on_delete=models.CASCADE, related_name="statements")
    text = models.CharField(max_length=300)
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [FieldPanel("text")]

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.text


class AssessmentStatus(models.TextChoices):
    OPEN = "open", "In progress"
    PUBLISHED = "published", "Published"


class Assessment(models.Model):
    """A council's self-assessment against a framework, shared with the people it invites.
    Private to the council's staff until published."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN)
    # The link residents share: anyone holding it may start their own response.
    resident_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    summary = models.TextField("published summary", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == AssessmentStatus.PUBLISHED


class Perspective(models.TextChoices):
    COUNCIL = "council", "Council"
    PARTNER = "partner", "Partner"
    RESIDENT = "resident", "Resident"


class Respondent(models.Model):
    """A person invited to an assessment (or a resident who started from its shared link).
    Their token is their only key: it shows them their own answers and nobody else's."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="respondents")
    perspective = models.CharField(max_length=16, choices=Perspective.choices)
    label = models.CharField(max_length=200, blank=True, help_text="Who this is, for the council's list.")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label or self.get_perspective_display()


class Rating(models.Model):
    """A respondent's rating of one statement, with their evidence."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="ratings")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField()
    evidence = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["respondent", "statement"], name="accountability_rating_once")]

    def __str__(self) -> str:
        return f"{self.respondent}: {self.score}"


class Action(models.Model):
    """An improvement action of an assessment's plan, with its owner, date and where help is."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=200)
    due = models.DateField()
    help_url = models.CharField(
        "where help is",
        max_length=300,
        blank=True,
        help_text="A page on the Hub: good practice, a community or a marketplace service.",
    )

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title


def staff_of(user, organisation) -> bool:
    """Whether `user` acts for `organisation` (accounts.selectors.verified_organisation)."""
    from accounts.selectors import verified_organisation

    found = verified_organisation(user)
    return found is not None and organisation is not None and found.pk == organisation.pk
