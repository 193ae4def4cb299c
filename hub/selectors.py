"""Reads of the good practice library.

Listings carry their comment and useful-vote counts as annotations, so a page of twenty case
studies costs the same handful of queries as a page of two.
"""

from dataclasses import dataclass, field

from django_comments.models import Comment, CommentFlag
from django_comments_xtd.models import XtdComment
from taggit.models import Tag

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from wagtail.models import Page, WorkflowState

from accounts.models import CouncilTier, Organisation, OrganisationKind
from accounts.selectors import PersonShown, person_shown
from hub.models import (
    GoodPracticePage,
    GoodPracticePageTag,
    ServiceArea,
    UsefulVote,
)
from search.terms import search_terms

PER_PAGE = 20
SORTS = {
    "newest": "Newest",
    "useful": "Most useful",
    "discussed": "Most discussed",
}
SEARCH_LIMIT = 1000


@dataclass(frozen=True)
class LibraryFilters:
    """What a visitor asked the library for; every field comes from the query string."""

    q: str = ""
    service_area: str = ""
    tag: str = ""
    organisation: str = ""
    tier: str = ""
    sort: str = ""

    @property
    def active(self) -> bool:
        return any((self.q, self.service_area, self.tag, self.organisation, self.tier))

    def without(self, name: str) -> "LibraryFilters":
        return LibraryFilters(**{**self.__dict__, name: ""})


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class LibraryListing:
    page_obj: PaginatorPage
    total: int
    service_areas: list[FacetOption] = field(default_factory=list)
    tags: list[FacetOption] = field(default_factory=list)
    organisations: list[FacetOption] = field(default_factory=list)
    tiers: list[FacetOption] = field(default_factory=list)
    sort: str = "newest"


def _page_content_type() -> ContentType:
    return ContentType.objects.get_for_model(GoodPracticePage)


def _visible_comments() -> QuerySet:
    return Comment.objects.filter(
        content_type=_page_content_type(),
        site_id=settings.SITE_ID,
        is_public=True,
        is_removed=False,
    )


def _count_subquery(queryset: QuerySet, group_by: str) -> Coalesce:
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def case_study_queryset() -> QuerySet:
    """Live, public case studies with their comment and useful counts annotated."""
    return (
        GoodPracticePage.objects.live()
        .public()
        .annotate(
            comment_count=_count_subquery(
                _visible_comments().filter(object_pk=Cast(OuterRef("pk"), output_field=CharField())),
                "object_pk",
            ),
            useful_count=_count_subquery(UsefulVote.objects.filter(page_id=OuterRef("pk")), "page_id"),
        )
    )


def _search_ids(q: str) -> list[int]:
    """Live case studies matching `q`, best first.

    The search backend ranks with the boosts declared on GoodPracticePage. SQLite's FTS5
    ranking ignores them, so matches are then grouped title first, then summary, then the
    rest, keeping the backend's order within each group: the same order on every backend.
    """
    # Plain words only (search.terms): Wagtail's backends put the text into FTS5/tsquery syntax.
    words = search_terms(q)
    if not words:
        return []
    results = GoodPracticePage.objects.live().search(" ".join(words), operator="and")[:SEARCH_LIMIT]
    ranked = [page.pk for page in results]
    if not ranked:
        return ranked
    terms = [term for term in words if len(term) > 2]
    texts = {
        pk: (title.lower(), summary.lower())
        for pk, title, summary in GoodPracticePage.objects.filter(pk__in=ranked).values_list("pk", "title", "summary")
    }

    def group(pk: int) -> int:
        title, summary = texts.get(pk, ("", ""))
        if any(term in title for term in terms):
            return 0
        if any(term in summary for term in terms):
            return 1
        return 2

    position = {pk: i for i, pk in enumerate(ranked)}
    return sorted(ranked, key=lambda pk: (group(pk), position[pk]))


def _filtered(queryset: QuerySet, filters: LibraryFilters, search_ids: list[int] | None) -> QuerySet:
    organisations = GoodPracticePage.organisations.through.objects.filter(goodpracticepage_id=OuterRef("pk"))
    if search_ids is not None:
        queryset = queryset.filter(pk__in=search_ids)
    if filters.service_area:
        queryset = queryset.filter(service_area__slug=filters.service_area)
    if filters.tag:
        queryset = queryset.filter(
            Exists(GoodPracticePageTag.objects.filter(content_object_id=OuterRef("pk"), tag__slug=filters.tag))
        )
    if filters.organisation:
        queryset = queryset.filter(Exists(organisations.filter(organisation__slug=filters.organisation)))
    if filters.tier:
        queryset = queryset.filter(Exists(organisations.filter(organisation__tier=filters.tier)))
    return queryset


def _ordered(queryset: QuerySet, sort: str, search_ids: list[int] | None) -> QuerySet:
    if sort == "useful":
        return queryset.order_by("-useful_count", "-first_published_at", "-pk")
    if sort == "discussed":
        return queryset.order_by("-comment_count", "-first_published_at", "-pk")
    if sort == "relevance" and search_ids:
        rank = Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(search_ids)],
            output_field=IntegerField(),
        )
        return queryset.order_by(rank, "-pk")
    return queryset.order_by("-first_published_at", "-pk")


def library_sort(filters: LibraryFilters) -> str:
    if filters.sort in SORTS or (filters.sort == "relevance" and filters.q):
        return filters.sort
    return "relevance" if filters.q else "newest"


def case_study_filtered(*, filters: LibraryFilters) -> QuerySet:
    """Case studies matching every filter, in the order asked for (not paginated)."""
    search_ids = _search_ids(filters.q) if filters.q else None
    queryset = _filtered(case_study_queryset(), filters, search_ids)
    return _ordered(queryset, library_sort(filters), search_ids)


def _facets(filters: LibraryFilters, search_ids: list[int] | None) -> dict[str, list[FacetOption]]:
    # Each facet counts what you would get by choosing that option while keeping every
    # *other* filter, so the numbers match the results a click leads to.
    base = GoodPracticePage.objects.live().public()

    def ids_without(name: str) -> QuerySet:
        return _filtered(base, filters.without(name), search_ids).values("pk")

    area_counts = dict(
        GoodPracticePage.objects.filter(pk__in=ids_without("service_area"))
        .order_by()
        .values_list("service_area__slug")
        .annotate(n=Count("pk"))
        .values_list("service_area__slug", "n")
    )
    service_areas = [
        FacetOption(
            area.slug,
            area.name,
            area_counts.get(area.slug, 0),
            area.slug == filters.service_area,
        )
        for area in ServiceArea.objects.all()
    ]

    tag_rows = list(
        GoodPracticePageTag.objects.filter(content_object_id__in=ids_without("tag"))
        .values("tag__slug", "tag__name")
        .annotate(n=Count("content_object_id", distinct=True))
        .order_by("-n", "tag__name")[:30]
    )
    tags = [
        FacetOption(row["tag__slug"], row["tag__name"], row["n"], row["tag__slug"] == filters.tag) for row in tag_rows
    ]

    organisation_rows = list(
        Organisation.objects.filter(good_practice_pages__in=ids_without("organisation"))
        .annotate(n=Count("good_practice_pages", distinct=True))
        .order_by("name")
        .values("slug", "name", "n")
    )
    organisations = [
        FacetOption(row["slug"], row["name"], row["n"], row["slug"] == filters.organisation)
        for row in organisation_rows
    ]

    tier_counts = dict(
        Organisation.objects.filter(
            kind=OrganisationKind.COUNCIL,
            good_practice_pages__in=ids_without("tier"),
        )
        .order_by()
        .values_list("tier")
        .annotate(n=Count("good_practice_pages", distinct=True))
        .values_list("tier", "n")
    )
    tiers = [
        FacetOption(value, label, tier_counts.get(value, 0), value == filters.tier)
        for value, label in CouncilTier.choices
    ]
    return {
        "service_areas": service_areas,
        "tags": tags,
        "organisations": organisations,
        "tiers": tiers,
    }


def case_study_library(
    *, filters: LibraryFilters, page: str | int | None = 1, per_page: int = PER_PAGE
) -> LibraryListing:
    """One page of the library with counts per filter option."""
    search_ids = _search_ids(filters.q) if filters.q else None
    sort = library_sort(filters)
    queryset = (
        _ordered(_filtered(case_study_queryset(), filters, search_ids), sort, search_ids)
        .select_related("service_area")
        .prefetch_related("organisations")
    )
    paginator = Paginator(queryset, per_page)
    page_obj = paginator.get_page(page)
    return LibraryListing(
        page_obj=page_obj,
        total=paginator.count,
        sort=sort,
        **_facets(filters, search_ids),
    )


def case_study_feed_items(*, filters: LibraryFilters, limit: int = 30) -> list:
    return list(
        case_study_filtered(filters=filters)
        .select_related("service_area", "owner")
        .prefetch_related("organisations")[:limit]
    )


def case_study_featured_list(*, limit: int = 3) -> list:
    """Case studies for the home page: the most useful recent ones."""
    return list(case_study_queryset().order_by("-useful_count", "-first_published_at")[:limit])


def tag_get(*, slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


# --- One case study -----------------------------------------------------------------------


@dataclass
class CommentNode:
    comment: XtdComment
    author: PersonShown
    children: list["CommentNode"] = field(default_factory=list)


def _comment_author(comment: XtdComment, viewer) -> PersonShown:
    # Not comment.user_name: it was stored as str(user), an email address for a user
    # without a name, and it would not follow later changes to the profile.
    if comment.user is None:
        return PersonShown("A former member")
    return person_shown(person=comment.user, viewer=viewer, unnamed="A member")


def comment_tree(*, page: GoodPracticePage, viewer=None) -> tuple[list[CommentNode], int]:
    """All comments on a case study as a tree (one query), and how many are visible.

    Removed comments stay in the tree as placeholders so their replies keep their place. Each
    author is shown as their privacy settings allow `viewer` (anonymous when not given).
    """
    comments = list(
        XtdComment.objects.filter(
            content_type=_page_content_type(),
            object_pk=str(page.pk),
            site_id=settings.SITE_ID,
            is_public=True,
        )
        .select_related("user", "user__organisation", "user__profile", "removal")
        .order_by("thread_id", "order")
    )
    nodes = {comment.pk: CommentNode(comment, _comment_author(comment, viewer)) for comment in comments}
    roots = []
    for comment in comments:
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id)
        if parent is None or comment.parent_id == comment.pk:
            roots.append(node)
        else:
            parent.children.append(node)
    visible = sum(1 for comment in comments if not comment.is_removed)
    return roots, visible


def related_case_studies(*, page: GoodPracticePage, limit: int = 3) -> dict:
    """Related good practice: the editors' picks, then suggestions sharing themes or area.

    One query: picks are flagged with `explicit`, suggestions ranked by shared themes.
    """
    picks = GoodPracticePage.related_pages.through.objects.filter(
        from_goodpracticepage_id=page.pk, to_goodpracticepage_id=OuterRef("pk")
    )
    tag_ids = GoodPracticePageTag.objects.filter(content_object_id=page.pk).values("tag_id")
    candidates = list(
        GoodPracticePage.objects.live()
        .public()
        .exclude(pk=page.pk)
        .annotate(
            explicit=Exists(picks),
            shared_tags=Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids), distinct=True),
        )
        .filter(Q(explicit=True) | Q(shared_tags__gt=0) | Q(service_area_id=page.service_area_id))
        .order_by("-explicit", "-shared_tags", "-first_published_at")[: limit + 10]
    )
    explicit = [candidate for candidate in candidates if candidate.explicit]
    suggested = [candidate for candidate in candidates if not candidate.explicit][:limit]
    return {"related_explicit": explicit, "related_suggested": suggested}


def contact_audiences(*, user) -> dict[str, str]:
    """Who will see `user`'s organisation and email on a case study they submit, in words."""
    from accounts.models import Profile

    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    return {
        "organisation": profile.get_organisation_visibility_display(),
        "email": profile.get_email_visibility_display(),
    }


def case_study_detail(*, page: GoodPracticePage, user, request=None) -> dict:
    """Everything the case study page shows besides its own fields."""
    from accounts.roles import is_site_moderator

    roots, comment_count = comment_tree(page=page, viewer=user)
    votes = UsefulVote.objects.filter(page=page).aggregate(
        total=Count("pk"),
        mine=Count("pk", filter=Q(user_id=user.pk) if user.is_authenticated else Q(pk=None)),
    )
    flagged_ids: set[int] = set()
    if user.is_authenticated:
        flagged_ids = set(
            CommentFlag.objects.filter(
                user=user,
                flag=CommentFlag.SUGGEST_REMOVAL,
                comment__object_pk=str(page.pk),
                comment__content_type=_page_content_type(),
            ).values_list("comment_id", flat=True)
        )
    return {
        "comment_roots": roots,
        "comment_count": comment_count,
        "useful_count": votes["total"],
        "user_found_useful": bool(votes["mine"]),
        "flagged_ids": flagged_ids,
        "can_moderate": is_site_moderator(user) if user.is_authenticated else False,
        "organisations": list(page.organisations.all()),
        "themes": list(page.tags.all()),
        "contact": (
            person_shown(person=page.contact, viewer=user, unnamed="The author of this case study")
            if page.contact_id
            else None
        ),
        "max_comment_level": getattr(settings, "COMMENTS_XTD_MAX_THREAD_LEVEL", 3),
        **related_case_studies(page=page),
    }


# --- Submissions and moderation -------------------------------------------------------


@dataclass
class Submission:
    page: GoodPracticePage
    title: str
    status: str
    tag_colour: str
    comment: str = ""
    can_edit: bool = True


def submission_list(*, user) -> list[Submission]:
    """The case studies a user has written, each with where it is in review."""
    pages = list(GoodPracticePage.objects.filter(owner=user).order_by("-latest_revision_created_at", "-pk"))
    states = {}
    for state in (
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=[str(p.pk) for p in pages],
        )
        .select_related("current_task_state")
        .order_by("created_at")
    ):
        states[state.object_id] = state  # the newest wins
    result = []
    for page in pages:
        state = states.get(str(page.pk))
        title = page.draft_title or page.title
        if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
            status, colour = "In review", "govuk-tag--blue"
            if page.live:
                status = "Published, changes in review"
        elif state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            status, colour = "Changes requested", "govuk-tag--orange"
        elif page.live and not page.has_unpublished_changes:
            status, colour = "Published", "govuk-tag--green"
        elif page.live:
            status, colour = "Published, changes not submitted", "govuk-tag--yellow"
        else:
            status, colour = "Draft", "govuk-tag--grey"
        comment = ""
        if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES and state.current_task_state:
            comment = state.current_task_state.comment
        result.append(Submission(page, title, status, colour, comment))
    return result


def comment_moderation_queue() -> list[XtdComment]:
    """Comments someone flagged that are still up and no moderator has cleared."""
    cleared = CommentFlag.objects.filter(comment_id=OuterRef("pk"), flag=CommentFlag.MODERATOR_APPROVAL)
    return list(
        XtdComment.objects.filter(
            is_removed=False,
            flags__flag=CommentFlag.SUGGEST_REMOVAL,
            content_type=_page_content_type(),
        )
        .exclude(Exists(cleared))
        .annotate(flag_count=Count("flags", filter=Q(flags__flag=CommentFlag.SUGGEST_REMOVAL), distinct=True))
        .select_related("user")
        .prefetch_related("content_object")
        .order_by("-flag_count", "submit_date")
    )
