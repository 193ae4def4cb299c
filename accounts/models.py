"""People and the organisations they work for."""

from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.functional import cached_property


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue service"
    COMBINED_AUTHORITY = "combined_authority", "Combined authority"
    CENTRAL_GOVERNMENT = "central_government", "Central government"
    BUSINESS = "business", "Business"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


# Organisations whose staff count as "the sector": they may review services, for example.
SECTOR_KINDS = frozenset({OrganisationKind.COUNCIL, OrganisationKind.FIRE_AND_RESCUE})


class CouncilTier(models.TextChoices):
    UNITARY = "unitary", "Unitary authority"
    DISTRICT = "district", "District council"
    METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
    LONDON_BOROUGH = "london_borough", "London borough"
    COUNTY = "county", "County council"
    WELSH_UNITARY = "welsh_unitary", "Welsh unitary authority"


# The ONS code's entity prefix says what kind of council it is.
TIER_BY_CODE_PREFIX = {
    "E06": CouncilTier.UNITARY,
    "E07": CouncilTier.DISTRICT,
    "E08": CouncilTier.METROPOLITAN_DISTRICT,
    "E09": CouncilTier.LONDON_BOROUGH,
    "E10": CouncilTier.COUNTY,
    "W06": CouncilTier.WELSH_UNITARY,
}


def tier_for_ons_code(code: str) -> str:
    """The council tier an ONS local authority code implies ("E07000223" is a district)."""
    try:
        return TIER_BY_CODE_PREFIX[code[:3].upper()]
    except KeyError:
        raise ValueError(f"{code!r} is not an ONS code for a council in England or Wales") from None


class OrganisationQuerySet(models.QuerySet):
    def current(self) -> "OrganisationQuerySet":
        """Organisations that still exist: what pickers and filters offer."""
        return self.filter(abolished_on__isnull=True)


class Organisation(models.Model):
    """A council, fire and rescue service, business or other body that people work for.

    Councils carry their ONS code, their tier (derived from the code) and, for districts, the
    county that is their upper tier. An abolished council (Selby, in 2023) is kept, with its
    date and successor, so that its people, data and good practice stay attributed to it and
    are found from the council that took it over.
    """

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices, db_index=True)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        help_text="For councils, e.g. E07000223.",
    )
    tier = models.CharField(max_length=32, choices=CouncilTier.choices, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The upper-tier council, for a district.",
    )
    website = models.URLField(blank=True)
    abolished_on = models.DateField(null=True, blank=True, help_text="The day it ceased to exist, if it has.")
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text="The organisation that took over from it, if it was abolished.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_abolished(self) -> bool:
        return self.abolished_on is not None

    @property
    def is_council(self) -> bool:
        return self.kind == OrganisationKind.COUNCIL

    @property
    def upper_tier(self) -> "Organisation":
        """The council responsible for upper-tier services here: the county for a district."""
        return self.parent or self

    @property
    def nation(self) -> str:
        if self.ons_code:
            return "Wales" if self.ons_code.startswith("W") else "England"
        return ""


class UserManager(BaseUserManager):
    """Users sign in with their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Someone who signs in. Email is the login; each person belongs to one organisation."""

    username = None
    email = models.EmailField("email address", unique=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def role(self) -> str:
        from accounts.roles import role_for_user

        return role_for_user(self)


class Sector(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", "Local government"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
    CENTRAL_GOVERNMENT = "central_government", "Central government"
    HEALTH = "health", "Health and care"
    PRIVATE = "private", "Private sector"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    ACADEMIC = "academic", "Academic and research"
    OTHER = "other", "Other"


class Visibility(models.TextChoices):
    """Who may see one field of a profile. Hidden fields are never shown nor indexed."""

    PUBLIC = "public", "Anyone, including people who are not signed in"
    MEMBERS = "members", "Only people signed in to the Knowledge Hub"
    HIDDEN = "hidden", "Only me"


class PeerStatus(models.TextChoices):
    NONE = "", "Not a peer"
    OFFICER = "officer", "Officer peer"
    COUNCILLOR = "councillor", "Councillor peer"


class PeerArea(models.TextChoices):
    FINANCE = "finance", "Finance"
    GOVERNANCE = "governance", "Governance"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    TRANSFORMATION = "transformation", "Transformation"
    HOUSING = "housing", "Housing"
    PLANNING = "planning", "Planning"
    LEADERSHIP = "leadership", "Leadership"


class Availability(models.TextChoices):
    AVAILABLE = "available", "Available to help"
    LIMITED = "limited", "Limited availability"
    UNAVAILABLE = "unavailable", "Not available at the moment"


# Profile fields whose audience each person chooses, with the default audience.
PRIVACY_FIELDS = {
    "email": Visibility.HIDDEN,
    "job_title": Visibility.PUBLIC,
    "organisation": Visibility.PUBLIC,
    "sector": Visibility.PUBLIC,
    "bio": Visibility.MEMBERS,
    "skills": Visibility.PUBLIC,
    "interests": Visibility.PUBLIC,
}


class Skill(models.Model):
    """One entry of the controlled skills vocabulary people choose their skills from.

    `synonyms` are other words people search with for the same skill ("SEND" for special
    educational needs); search treats them as the skill itself.
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    synonyms = models.TextField(blank=True, help_text="Other words for this skill, separated by commas.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def synonym_list(self) -> list[str]:
        return [word.strip() for word in self.synonyms.split(",") if word.strip()]


class TaggedSkill(TaggedItemBase):
    """Through model for the skills a person lists on their profile."""

    content_object = models.ForeignKey("accounts.Profile", on_delete=models.CASCADE, related_name="tagged_skills")


class TaggedInterest(TaggedItemBase):
    """Through model for the interests a person lists on their profile."""

    content_object = models.ForeignKey("accounts.Profile", on_delete=models.CASCADE, related_name="tagged_interests")


class Profile(models.Model):
    """What a person tells the sector about themselves; the people finder builds on it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    job_title = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    sector = models.CharField(max_length=32, choices=Sector.choices, blank=True)
    skills = TaggableManager(
        through=TaggedSkill,
        blank=True,
        related_name="skilled_profiles",
        verbose_name="skills",
    )
    interests = TaggableManager(
        through=TaggedInterest,
        blank=True,
        related_name="interested_profiles",
        verbose_name="interests",
    )
    handle = models.SlugField(
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text="The address of the profile: /people/<handle>/.",
    )
    peer_status = models.CharField(max_length=16, choices=PeerStatus.choices, blank=True, default="")
    peer_accredited = models.BooleanField(
        "accredited peer",
        default=False,
        help_text="Accredited for the sector's peer challenges.",
    )
    peer_areas = models.JSONField(default=list, blank=True, help_text="Keys of PeerArea the person is a peer in.")
    availability = models.CharField(max_length=16, choices=Availability.choices, default=Availability.UNAVAILABLE)
    email_visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.HIDDEN)
    job_title_visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    organisation_visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    sector_visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    bio_visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.MEMBERS)
    skills_visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    interests_visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def visibility_of(self, field: str) -> str:
        return getattr(self, f"{field}_visibility")

    def can_see(self, field: str, viewer) -> bool:
        """Whether `viewer` (a user, possibly anonymous) may see `field` of this profile."""
        if viewer is not None and viewer.is_authenticated and viewer.pk == self.user_id:
            return True
        visibility = self.visibility_of(field)
        if visibility == Visibility.PUBLIC:
            return True
        if visibility == Visibility.MEMBERS:
            return bool(viewer is not None and viewer.is_authenticated)
        return False

    @property
    def peer_area_labels(self) -> list[str]:
        labels = dict(PeerArea.choices)
        return [labels[key] for key in self.peer_areas if key in labels]

    @property
    def organisation(self) -> Organisation | None:
        return self.user.organisation


class OrganisationDomain(models.Model):
    """An email domain an organisation vouches for: a person whose address on it is verified
    is that organisation's member at once, without waiting for approval."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text="Lower case, without the @: leeds.gov.uk. Subdomains are not included.",
    )

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class MembershipStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    VERIFIED = "verified", "Verified"
    REFUSED = "refused", "Not approved"


class OrganisationMembership(models.Model):
    """Whether a person's claim to work for an organisation has been checked.

    `User.organisation` is what the person says; this says whether the Hub trusts it: verified
    by an email address on one of the organisation's domains, or approved by one of its
    administrators (`is_admin`) or a site administrator. Only a verified membership lets a
    person act for the organisation (accounts.selectors.verified_organisation).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.PENDING)
    is_admin = models.BooleanField(
        "organisation administrator",
        default=False,
        help_text="May approve or refuse other people's requests to join this organisation.",
    )
    verified_by_email = models.EmailField(blank=True, help_text="The verified address that made this membership.")
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation} ({self.get_status_display()})"
