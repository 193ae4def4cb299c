"""The improvement marketplace: providers, their services, reviews and shortlists.

A service's public fields live on `Service`. Providers never edit them directly: every new
listing and every change is a `ServiceRevision` holding the same fields, and only a
moderator's approval copies a revision onto the service. So the approved version stays public
while a change waits, and nothing unreviewed is ever listed.
"""

import random

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from wagtail.search import index

from home.mixins import SectionIndexPage
from marketplace import pricing
from marketplace.pricing import PriceInterval, PriceUnit, VatHandling


class MarketplaceIndexPage(SectionIndexPage):
    """Improvement services to compare, at /marketplace/: the filtered, sortable listing."""

    template = "marketplace/marketplace_index_page.html"

    def serve(self, request, *args, **kwargs):
        # The listing is a plain Django view so it can be tested and benchmarked on its own;
        # the page supplies the title and introduction editors keep in the Wagtail admin.
        from marketplace.views import service_list

        return service_list(request, page=self)


class Category(models.TextChoices):
    PEER_CHALLENGE = "peer_challenge", "Peer challenge support"
    LEADERSHIP = "leadership", "Leadership development"
    FINANCIAL_RESILIENCE = "financial_resilience", "Financial resilience"
    SERVICE_REDESIGN = "service_redesign", "Service redesign"
    DIGITAL = "digital", "Digital transformation"
    DATA = "data", "Data and insight"
    WORKFORCE = "workforce", "Workforce"
    GOVERNANCE = "governance", "Scrutiny and governance"
    COMMUNITY_ENGAGEMENT = "community_engagement", "Community engagement"
    CLIMATE = "climate", "Climate and net zero"


class DeliveryMode(models.TextChoices):
    ON_SITE = "on_site", "On site"
    REMOTE = "remote", "Remote"
    BLENDED = "blended", "Blended"


class CouncilOffer(models.TextChoices):
    NONE = "", "Standard price"
    FREE = "free", "Free for some councils"
    SUBSIDISED = "subsidised", "Subsidised for some councils"


# Regions and nations a service covers, and kinds of organisation it serves, are small fixed
# sets stored as bit masks: one integer column each, filterable with a bitwise AND on both
# SQLite and PostgreSQL, and counted for every option in a single query.
REGIONS = [
    ("north_east", "North East"),
    ("north_west", "North West"),
    ("yorkshire", "Yorkshire and the Humber"),
    ("east_midlands", "East Midlands"),
    ("west_midlands", "West Midlands"),
    ("east", "East of England"),
    ("london", "London"),
    ("south_east", "South East"),
    ("south_west", "South West"),
    ("wales", "Wales"),
    ("scotland", "Scotland"),
    ("northern_ireland", "Northern Ireland"),
]
REGION_BITS = {code: 1 << index for index, (code, _label) in enumerate(REGIONS)}
ALL_REGIONS = sum(REGION_BITS.values())

KINDS_SERVED = [
    ("county", "County councils"),
    ("district", "District councils"),
    ("unitary", "Unitary, metropolitan and London borough councils"),
    ("welsh", "Welsh councils"),
    ("fire_and_rescue", "Fire and rescue services"),
    ("combined_authority", "Combined authorities"),
]
KIND_BITS = {code: 1 << index for index, (code, _label) in enumerate(KINDS_SERVED)}
ALL_KINDS = sum(KIND_BITS.values())


def mask_labels(mask: int, options: list[tuple[str, str]]) -> list[str]:
    """The labels of the options whose bits are set in `mask`, in the options' order."""
    return [label for index, (_code, label) in enumerate(options) if mask & (1 << index)]


def mask_codes(mask: int, options: list[tuple[str, str]]) -> list[str]:
    return [code for index, (code, _label) in enumerate(options) if mask & (1 << index)]


def mask_from_codes(codes, options: list[tuple[str, str]]) -> int:
    bits = {code: 1 << index for index, (code, _label) in enumerate(options)}
    return sum(bits[code] for code in set(codes) if code in bits)


class ProviderType(models.TextChoices):
    BUSINESS = "business", "Business"
    VOLUNTARY = "voluntary", "Voluntary or community sector"
    PUBLIC_BODY = "public_body", "Public body"
    IMPROVEMENT_BODY = "improvement_body", "Sector improvement body"


class Provider(models.Model):
    """An organisation that offers improvement services, with the staff who manage its listings.

    Contact details are shown as verified only once a moderator has checked them.
    """

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="provider")
    provider_type = models.CharField(max_length=32, choices=ProviderType.choices)
    about = models.TextField(blank=True, help_text="Markdown.")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contacts_verified_at = models.DateTimeField(null=True, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="provider_roles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def contacts_verified(self) -> bool:
        return self.contacts_verified_at is not None


class ServiceContent(models.Model):
    """The fields a provider writes about a service: shared by the live service and revisions."""

    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    description = models.TextField(help_text="Markdown.")
    category = models.CharField(max_length=40, choices=Category.choices)
    kinds_served = models.PositiveIntegerField(default=ALL_KINDS, help_text="Bit mask of KINDS_SERVED.")
    regions = models.PositiveIntegerField(default=ALL_REGIONS, help_text="Bit mask of REGIONS.")
    delivery_mode = models.CharField(max_length=16, choices=DeliveryMode.choices)
    typical_duration = models.CharField(max_length=100, blank=True)
    price_min = models.DecimalField(max_digits=12, decimal_places=2)
    price_max = models.DecimalField(max_digits=12, decimal_places=2)
    price_unit = models.CharField(max_length=20, choices=PriceUnit.choices)
    price_interval = models.CharField(max_length=12, choices=PriceInterval.choices, blank=True, default="")
    vat = models.CharField(max_length=12, choices=VatHandling.choices, default=VatHandling.EXCLUSIVE)
    council_offer = models.CharField(max_length=12, choices=CouncilOffer.choices, blank=True, default="")
    council_offer_details = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who the free or subsidised offer is for, and who funds it.",
    )

    class Meta:
        abstract = True

    @property
    def price_text(self) -> str:
        return pricing.price_label(
            price_min=self.price_min,
            price_max=self.price_max,
            unit=self.price_unit,
            interval=self.price_interval,
            vat=self.vat,
        )

    @property
    def region_labels(self) -> list[str]:
        return mask_labels(self.regions, REGIONS)

    @property
    def kinds_served_labels(self) -> list[str]:
        return mask_labels(self.kinds_served, KINDS_SERVED)

    @property
    def coverage_text(self) -> str:
        if self.regions == ALL_REGIONS:
            return "All of the UK"
        return ", ".join(self.region_labels)

    def cost_for(self, need: pricing.Need) -> pricing.CostEstimate:
        return pricing.cost_for(
            price_min=self.price_min,
            price_max=self.price_max,
            unit=self.price_unit,
            interval=self.price_interval,
            vat=self.vat,
            need=need,
        )


# Abstract models have no relation tree to load, so local_fields is safe at import time.
CONTENT_FIELDS = [field.name for field in ServiceContent._meta.local_fields]


def _shuffle_key() -> int:
    return random.getrandbits(31)


class ServiceQuerySet(models.QuerySet):
    def listed(self):
        """Services the public sees: approved at least once and not withdrawn by the provider."""
        return self.filter(is_published=True, withdrawn=False)


class Service(index.Indexed, ServiceContent):
    """An improvement service as the public sees it: the last approved version of the listing.

    Ratings are kept here, recomputed by `services.service_ratings_refresh` whenever a review
    changes, so the listing can sort and filter by them without touching the review table.
    `shuffle_key` is fixed at creation and breaks ties in every sort, so equal services appear
    in a stable order that owes nothing to their names.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    slug = models.SlugField(max_length=220, unique=True)
    is_published = models.BooleanField(default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set by the provider's staff to take the listing off the marketplace; a re-submission
    # approved by a moderator lists it again.
    withdrawn = models.BooleanField(default=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    shuffle_key = models.PositiveIntegerField(default=_shuffle_key, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    review_count = models.PositiveIntegerField(default=0)
    rating_average = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    rating_score = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=0,
        help_text="Bayesian average used for ranking.",
    )
    experience_average = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    value_average = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    outcomes_average = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    recommend_count = models.PositiveIntegerField(default=0)

    objects = ServiceQuerySet.as_manager()

    # Site search (marketplace.search): the words people look for, and the two flags that make
    # a service `listed()`, so that search filters on them inside the query.
    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.RelatedFields("provider", [index.RelatedFields("organisation", [index.SearchField("name")])]),
        index.FilterField("is_published"),
        index.FilterField("withdrawn"),
    ]

    class Meta:
        ordering = ["name"]
        # The listing's default sorts read these in order and stop after a page.
        indexes = [
            models.Index(fields=["-rating_score", "shuffle_key", "id"], name="service_rating_order"),
            models.Index(fields=["-review_count", "shuffle_key", "id"], name="service_reviews_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketplace:service_detail", kwargs={"slug": self.slug})

    @property
    def url(self) -> str:
        return self.get_absolute_url()

    @property
    def title(self) -> str:
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.is_published and not self.withdrawn

    @property
    def recommend_percent(self) -> int | None:
        if not self.review_count:
            return None
        return round(100 * self.recommend_count / self.review_count)


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Returned to the provider"


class ServiceRevision(ServiceContent):
    """A new listing or a change to one, written by a provider's staff, waiting for moderation."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="revisions")
    status = models.CharField(
        max_length=12,
        choices=RevisionStatus.choices,
        default=RevisionStatus.PENDING,
        db_index=True,
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class HowUsed(models.TextChoices):
    COMMISSIONED = "commissioned", "We commissioned it"
    PILOT = "pilot", "We took part in a pilot or free offer"
    PARTNERSHIP = "partnership", "Jointly with other organisations"
    OTHER = "other", "Another way"


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    REMOVED = "removed", "Removed by a moderator"


class RemovalReason(models.TextChoices):
    """Why a moderator may remove a review. Being negative is deliberately not one of them."""

    ABUSIVE = "abusive", "Abusive or offensive language"
    PERSONAL_DATA = "personal_data", "Contains personal information"
    NOT_FIRST_HAND = "not_first_hand", "Not based on using the service"
    CONFLICT = "conflict", "Written with a conflict of interest"
    SPAM = "spam", "Spam or advertising"


RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Review(models.Model):
    """A council or fire and rescue officer's review of a service they used: one per person.

    Published at once; moderators may remove it for abuse (see RemovalReason), never for
    being critical. The reviewer's organisation is kept as it was when they wrote it.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_reviews")
    organisation = models.ForeignKey("accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+")
    used_in = models.DateField(help_text="When the service was used (month and year).")
    how_used = models.CharField(max_length=20, choices=HowUsed.choices)
    rating_experience = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    rating_value = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    rating_outcomes = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    would_recommend = models.BooleanField()
    text = models.TextField()
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED)
    removal_reason = models.CharField(max_length=20, choices=RemovalReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "author"], name="one_review_per_person"),
        ]
        indexes = [models.Index(fields=["service", "status"])]

    def __str__(self) -> str:
        return f"Review of {self.service} by {self.author}"

    @property
    def rating_mean(self):
        return (self.rating_experience + self.rating_value + self.rating_outcomes) / 3


class ReportStatus(models.TextChoices):
    OPEN = "open", "Waiting for a moderator"
    REMOVED = "removed", "Review removed"
    KEPT = "kept", "Review kept"


class ReviewReport(models.Model):
    """A signed-in person's report that a review breaks the rules, for a moderator to decide.

    A report never hides a review by itself, however many there are: only a moderator removes
    a review, and only for one of the RemovalReason reasons, never for being negative.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=RemovalReason.choices)
    details = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "reporter"], name="one_report_per_person"),
        ]

    def __str__(self) -> str:
        return f"Report of {self.review} ({self.get_reason_display()})"


class ReviewReply(models.Model):
    """The provider's one public reply to a review."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="reply")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Reply to {self.review}"


SHORTLIST_LIMIT = 4


class Shortlist(models.Model):
    """A signed-in officer's saved shortlist of up to four services, with the need priced.

    Anonymous visitors keep theirs in the session; it moves here when they sign in.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketplace_shortlist"
    )
    title = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    need_days = models.PositiveIntegerField(null=True, blank=True)
    need_people = models.PositiveIntegerField(null=True, blank=True)
    need_months = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title or f"Shortlist of {self.owner}"


class ShortlistItem(models.Model):
    """A service on a shortlist, in the order it was added."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "service"], name="shortlist_service_once"),
        ]

    def __str__(self) -> str:
        return f"{self.service} on {self.shortlist}"
