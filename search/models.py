"""People and expert finding: the finder page and the people index the database backend reads.

The index is denormalised on purpose. One `PersonEntry` per profile holds exactly what search
may use, already filtered by the person's privacy choices: a field someone hides is never
written here, and a field they show to signed-in members only is stored with `*_vis = 1` so
that queries for anonymous visitors exclude it inside SQL (`vis <= viewer level`). Full-text
structures differ per database: an FTS5 table (made by the migrations) the backend writes in
bulk on SQLite; on PostgreSQL one narrow `tsvector` table per audience (`PersonVector`) with a
GIN index each, and the vocabulary of their words (`IndexLexeme`) for expanding prefixes.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from home.mixins import SectionIndexPage

# Viewer levels: what a field's `vis` column is compared with.
LEVEL_PUBLIC = 0
LEVEL_MEMBERS = 1


class PeopleIndexPage(RoutablePageMixin, SectionIndexPage):
    """The expert finder at /people/: search people by what they know and how they can help."""

    template = "search/people_index_page.html"

    @path("")
    def finder(self, request):
        from search.views import people_finder

        return people_finder(request, page=self)


class PersonEntry(models.Model):
    """What the people index knows about one person, with each field's audience."""

    profile = models.OneToOneField(
        "accounts.Profile",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    user_id = models.BigIntegerField(unique=True)
    handle = models.CharField(max_length=80)
    name = models.CharField(max_length=300)
    # Text, already split by audience. *_pub is for everyone, *_mem only for signed-in people.
    headline_pub = models.TextField(blank=True)
    skills_pub = models.TextField(blank=True)
    body_pub = models.TextField(blank=True)
    headline_mem = models.TextField(blank=True)
    skills_mem = models.TextField(blank=True)
    body_mem = models.TextField(blank=True)
    # Facets; blank when the person hides the field. *_vis: 0 public, 1 members only.
    job_title = models.CharField(max_length=200, blank=True)
    job_title_vis = models.PositiveSmallIntegerField(default=0)
    organisation_name = models.CharField(max_length=255, blank=True)
    organisation_kind = models.CharField(max_length=32, blank=True)
    organisation_tier = models.CharField(max_length=32, blank=True)
    organisation_vis = models.PositiveSmallIntegerField(default=0)
    sector = models.CharField(max_length=32, blank=True)
    sector_vis = models.PositiveSmallIntegerField(default=0)
    peer_status = models.CharField(max_length=16, blank=True)
    peer_accredited = models.BooleanField(default=False)
    peer_areas = models.CharField(max_length=300, blank=True)
    availability = models.CharField(max_length=16, blank=True)
    # Standing: accreditation and contributions, fixed at index time; activity decays at query time.
    contributions = models.PositiveIntegerField(default=0)
    contribution_summary = models.JSONField(default=dict, blank=True)
    standing = models.FloatField(default=0)
    last_active = models.BigIntegerField(default=0, help_text="Unix time of the person's latest activity.")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["sector", "sector_vis"]),
            models.Index(fields=["organisation_kind", "organisation_vis"]),
            models.Index(fields=["availability"]),
            models.Index(fields=["peer_accredited", "peer_status"]),
            models.Index(fields=["handle"]),
            # Browsing without words lists people by standing, then recent activity.
            models.Index(fields=["-standing", "-last_active"], name="search_entry_standing_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class PersonTerm(models.Model):
    """A multi-valued facet of a person (a skill, an interest, a community) and its audience."""

    class Kind(models.TextChoices):
        SKILL = "skill", "Skill"
        INTEREST = "interest", "Interest"
        COMMUNITY = "community", "Community"

    entry = models.ForeignKey(PersonEntry, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=200)
    vis = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "value", "vis", "entry"]),
            models.Index(fields=["entry", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class NameToken(models.Model):
    """Every distinct word of people's names: the vocabulary that typo tolerance draws on."""

    token = models.CharField(max_length=100, primary_key=True)

    def __str__(self) -> str:
        return self.token


class PersonVector(models.Model):
    """PostgreSQL: one audience's full-text vector of a person, in a narrow table of its own.

    Finding who matches a common word visits every matching row, so the rows that the GIN
    index points at hold only what matching and scoring read: about a quarter of the width of
    a whole entry, so each page visited holds four times as many people. Written with the
    entry, in the same transaction; unused (and empty) on SQLite, which has its FTS5 table.
    """

    entry = models.OneToOneField(PersonEntry, on_delete=models.CASCADE, primary_key=True, related_name="+")
    standing = models.FloatField(default=0)
    last_active = models.BigIntegerField(default=0)
    tsv = SearchVectorField(null=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"full-text vector of entry {self.entry_id}"


class PersonPublicVector(PersonVector):
    """What everyone may search of a person (name, and the text they show to everyone)."""


class PersonMemberVector(PersonVector):
    """What signed-in members may search of a person (their public and members-only text)."""


class IndexLexeme(models.Model):
    """PostgreSQL: every lexeme of the people index's text, so that a prefix query can be
    expanded into the whole words it stands for before it reaches the GIN index.

    GIN answers `'budget':*` by collecting each matching word's postings into a bitmap, several
    times slower than the same words given exactly (`'budget' | 'budgetari'`). Written in the
    same transaction as the entries whose text holds them; a stale word matches nobody.
    """

    word = models.TextField(primary_key=True)

    def __str__(self) -> str:
        return self.word


class IndexState(models.Model):
    """The people index's current version: bumped by every write, in the writer's transaction.

    Each process keeps facet bitmaps in memory (search.backends.facet_index) and compares its
    version with this row on each search; the row lock serialises writers, so versions commit
    in order and a reader that sees version N can trust that every change up to N is visible.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, blank=True, help_text="Random per write: tells apart histories.")

    def __str__(self) -> str:
        return f"people index version {self.version}"


class IndexChange(models.Model):
    """Which entries one write to the people index changed, so readers can catch up in place."""

    version = models.BigIntegerField(primary_key=True)
    token = models.CharField(max_length=32)
    entry_ids = models.JSONField(default=list, blank=True)
    everything = models.BooleanField(default=False, help_text="The whole index changed: readers start again.")

    def __str__(self) -> str:
        return f"people index change {self.version}"


class FacetSnapshot(models.Model):
    """The facet bitmaps as one process built them (search.backends.facet_index), so that a
    new process loads them in milliseconds and catches up from the change log, instead of
    reading every entry and skill before its first search. One row; any process may replace it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField()
    token = models.CharField(max_length=32)
    data = models.BinaryField()
    saved_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"facet bitmaps as of people index version {self.version}"
