"""Sector data: metrics, the areas they are measured for, periods and the values lodged.

A value is never overwritten in place without a trace: every change made through
`benchmarking.services` writes a `ValueRevision` holding what it was before, who changed it and
when, so a metric's history can always be read back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Theme(models.TextChoices):
    COST = "cost", "Cost efficiency and productivity"
    OUTCOME = "outcome", "Outcome and achievement"
    SATISFACTION = "satisfaction", "Citizen satisfaction"
    CONTEXT = "context", "Context"


class ValueType(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    RATE_1000 = "rate_1000", "Rate per 1,000"
    RATE_100000 = "rate_100000", "Rate per 100,000"
    POUNDS = "pounds", "£"
    POUNDS_PER_HEAD = "pounds_per_head", "£ per head"
    SCORE = "score", "Score"
    INDEX = "index", "Index"


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NONE = "none", "No judgement"


class PeriodType(models.TextChoices):
    FINANCIAL_YEAR = "financial_year", "Financial year"
    ACADEMIC_YEAR = "academic_year", "Academic year"
    CALENDAR_YEAR = "calendar_year", "Calendar year"
    QUARTER = "quarter", "Quarter"
    MONTH = "month", "Month"


class Quality(models.TextChoices):
    NONE = "", "No flag"
    PROVISIONAL = "provisional", "Provisional"
    REVISED = "revised", "Revised"
    ESTIMATED = "estimated", "Estimated"
    SUPPRESSED = "suppressed", "Suppressed for disclosure"
    MISSING = "missing", "Missing"


# Flags under which there is no number to compare.
NO_NUMBER = frozenset({Quality.SUPPRESSED, Quality.MISSING})


class Metric(models.Model):
    """One measure councils are compared on, with what it means and how to read it."""

    code = models.SlugField("metric id", max_length=80, unique=True)
    title = models.CharField(max_length=255)
    description = models.TextField(help_text="Plain English: what the number tells you.")
    definition = models.TextField(blank=True, help_text="How it is calculated, numerator and denominator.")
    theme = models.CharField(max_length=20, choices=Theme.choices, db_index=True)
    value_type = models.CharField(max_length=20, choices=ValueType.choices)
    unit = models.CharField(max_length=60, blank=True, help_text="For example “per 1,000 residents aged 65+”.")
    decimal_places = models.PositiveSmallIntegerField(default=1)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.NONE)
    period_type = models.CharField(max_length=20, choices=PeriodType.choices)
    source = models.CharField(max_length=255)
    licence = models.CharField(max_length=255, default="Open Government Licence v3.0")
    is_core = models.BooleanField("core metric", default=False, db_index=True)
    is_illustrative = models.BooleanField(
        default=False, help_text="Generated demo figures, not official statistics: every page says so."
    )
    # Context metrics that the similar-councils model may use, with their default weight (0: off).
    neighbour_weight = models.FloatField(default=0)

    class Meta:
        ordering = ["theme", "title"]

    def __str__(self) -> str:
        return self.title


class Area(models.Model):
    """A place values are lodged for: a Hub organisation, or the England or Wales total."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        NATION = "nation", "National total"

    code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    organisation = models.OneToOneField(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="data_area"
    )
    tier = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A reporting period, named as the sources name it ("2023-24", "2024 Q1", "2024-03")."""

    code = models.CharField(max_length=16, unique=True)
    period_type = models.CharField(max_length=20, choices=PeriodType.choices)
    starts_on = models.DateField(db_index=True)

    class Meta:
        ordering = ["starts_on", "code"]

    def __str__(self) -> str:
        return self.code


class Value(models.Model):
    """A metric's value for one area in one period, with its uncertainty and quality."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    ci_lower = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    ci_upper = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    quality = models.CharField(max_length=20, choices=Quality.choices, blank=True, default="")
    note = models.CharField(max_length=255, blank=True, help_text="Why a value is missing, or how it was estimated.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["metric", "area", "period"], name="value_unique_cell")]
        indexes = [models.Index(fields=["metric", "period"]), models.Index(fields=["area", "metric"])]

    def __str__(self) -> str:
        return f"{self.metric_id}/{self.area_id}/{self.period_id}: {self.value}"


class ValueRevision(models.Model):
    """What a value was before a change, who changed it and when: the history of a cell."""

    cell = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="revisions")
    previous_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    previous_quality = models.CharField(max_length=20, blank=True)
    new_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    new_quality = models.CharField(max_length=20, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)
    upload = models.ForeignKey("Upload", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.previous_value} → {self.new_value} at {self.changed_at:%Y-%m-%d %H:%M}"


class Upload(models.Model):
    """A lodged CSV held between "check" and "confirm": nothing of it is saved as values until
    the person has seen its summary and confirmed."""

    class Status(models.TextChoices):
        CHECKED = "checked", "Checked, awaiting confirmation"
        IMPORTED = "imported", "Imported"

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKED)
    new_count = models.PositiveIntegerField(default=0)
    revised_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ApiToken(models.Model):
    """A personal token for writing through the API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"API token of {self.user_id}"
