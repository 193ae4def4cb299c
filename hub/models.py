"""The good practice library: case studies, their taxonomy, useful votes and moderation."""

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from django.conf import settings
from django.db import models
from django.http import Http404
from django.shortcuts import render

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.search import index

from home.blocks import (
    DocumentBlock,
    FigureBlock,
    HeadingBlock,
    QuoteBlock,
)
from home.mixins import SectionIndexPage


class ServiceArea(models.Model):
    """A council service area: the controlled taxonomy every case study is filed under."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OutcomesStreamBlock(blocks.StreamBlock):
    """Outcomes and impact: text, headline figures with units, quotes, images, documents, embeds."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])
    figure = FigureBlock()
    quote = QuoteBlock()
    image = ImageBlock()  # Wagtail's ImageBlock asks editors for alt text.
    document = DocumentBlock()
    embed = EmbedBlock(help_text="A link to a video or slides.")


class GoodPracticeIndexPage(RoutablePageMixin, SectionIndexPage):
    """The library of case studies at /good-practice/: filters, tag pages and feeds."""

    template = "hub/good_practice_index_page.html"
    subpage_types = ["hub.GoodPracticePage"]

    def _render_listing(self, request, *, tag=None):
        from accounts.roles import is_site_moderator
        from hub import selectors
        from hub.forms import LibraryFilterForm

        form = LibraryFilterForm(request.GET or None)
        filters = form.filters(tag=tag.slug if tag else None)
        listing = selectors.case_study_library(filters=filters, page=request.GET.get("page"))
        context = self.get_context(request)
        context.update(
            {
                "filter_form": form,
                "filters": filters,
                "listing": listing,
                "page_obj": listing.page_obj,
                "tag": tag,
                "feed_query": request.GET.urlencode(),
                "can_moderate": is_site_moderator(request.user),
            }
        )
        return render(request, self.template, context)

    @path("")
    def library(self, request):
        return self._render_listing(request)

    @path("tags/<slug:slug>/")
    def tag_page(self, request, slug):
        from hub.selectors import tag_get

        tag = tag_get(slug=slug)
        if tag is None:
            raise Http404("No such theme")
        return self._render_listing(request, tag=tag)

    @path("feeds/rss/", name="feed_rss")
    def feed_rss(self, request):
        from hub.feeds import LibraryRssFeed

        return LibraryRssFeed(index_page=self)(request)

    @path("feeds/atom/", name="feed_atom")
    def feed_atom(self, request):
        from hub.feeds import LibraryAtomFeed

        return LibraryAtomFeed(index_page=self)(request)


class GoodPracticePageTag(TaggedItemBase):
    """Through model for the free-text themes of a case study."""

    content_object = ParentalKey("hub.GoodPracticePage", on_delete=models.CASCADE, related_name="tagged_items")


def _search_fields():
    # Page.search_fields boosts the title by 2: the library ranks title > summary > body.
    return [
        *Page.search_fields,
        index.SearchField("summary", boost=1.5),
        index.SearchField("challenge"),
        index.SearchField("approach"),
        index.SearchField("outcomes"),
        index.RelatedFields("tags", [index.SearchField("name", boost=1.5)]),
        index.RelatedFields("service_area", [index.SearchField("name")]),
        index.RelatedFields("organisations", [index.SearchField("name")]),
        index.FilterField("service_area"),
    ]


class GoodPracticePage(Page):
    """A case study: what a council did, why, what it cost and what changed.

    The structured fields make case studies comparable; `owner` is the officer who submitted it.
    Long text fields may be blank at the database level so an officer's draft can be saved
    part-way; the submission form requires them before the draft goes to review.
    """

    summary = models.TextField(max_length=600, help_text="Two or three sentences shown in listings.")
    challenge = models.TextField("the challenge", blank=True)
    approach = models.TextField("what was done", blank=True)
    outcomes = StreamField(OutcomesStreamBlock(), blank=True, verbose_name="outcomes and impact")
    cost = models.CharField(max_length=255, blank=True, help_text='For example "£45,000 over two years".')
    timescale = models.CharField(max_length=255, blank=True, help_text='For example "Nine months, 2024 to 2025".')
    service_area = models.ForeignKey(
        ServiceArea,
        null=True,
        on_delete=models.PROTECT,
        related_name="case_studies",
    )
    organisations = ParentalManyToManyField(
        "accounts.Organisation",
        related_name="good_practice_pages",
        help_text="The organisations involved; the lead organisation first.",
    )
    tags = ClusterTaggableManager(through=GoodPracticePageTag, blank=True, verbose_name="themes")
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who readers can contact about this work.",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    related_pages = ParentalManyToManyField(
        "hub.GoodPracticePage",
        blank=True,
        symmetrical=False,
        related_name="+",
        verbose_name="related good practice",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("challenge"),
        FieldPanel("approach"),
        FieldPanel("outcomes"),
        MultiFieldPanel([FieldPanel("cost"), FieldPanel("timescale")], heading="Cost and timescale"),
        MultiFieldPanel(
            [
                FieldPanel("service_area"),
                FieldPanel("organisations"),
                FieldPanel("tags"),
                FieldPanel("contact"),
                FieldPanel("last_reviewed"),
                FieldPanel("related_pages"),
            ],
            heading="Classification and contact",
        ),
    ]
    search_fields = _search_fields()
    parent_page_types = ["hub.GoodPracticeIndexPage"]
    subpage_types: list[str] = []
    template = "hub/good_practice_page.html"

    class Meta:
        verbose_name = "case study"
        verbose_name_plural = "case studies"

    def get_context(self, request, *args, **kwargs):
        from hub import selectors
        from hub.forms import CommentForm

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.case_study_detail(page=self, user=request.user, request=request))
        context["comment_form"] = CommentForm()
        # The library's URL without loading the parent page: case studies sit directly under it.
        context["library_url"] = self.url_path_parent_url(request)
        return context

    def url_path_parent_url(self, request) -> str:
        url = self.get_url(request) or "/"
        return url.rstrip("/").rsplit("/", 1)[0] + "/"


class UsefulVote(models.Model):
    """One person saying a case study was useful to them; feeds the "most useful" sort."""

    page = models.ForeignKey(GoodPracticePage, on_delete=models.CASCADE, related_name="useful_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "user"], name="hub_one_useful_vote_per_user")]

    def __str__(self) -> str:
        return f"{self.user} found {self.page} useful"


class CommentRemoval(models.Model):
    """Why a moderator removed a comment, kept so the author can be told and decisions reviewed."""

    comment = models.OneToOneField(
        "django_comments_xtd.XtdComment",
        on_delete=models.CASCADE,
        related_name="removal",
    )
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Removal of comment {self.comment_id}"
