"""The home page, plain content pages and site-wide settings."""

from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyStreamBlock


class HomePage(Page):
    """The front door: search, sign-in prompts, and the panels features register (featured good practice,
    active communities, ...)."""

    strapline = models.CharField(
        max_length=255,
        default="Find and share what works in local government, with the people who did it.",
    )
    introduction = models.TextField(blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("strapline"),
        FieldPanel("introduction"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from home.extensions import home_panels

        context = super().get_context(request, *args, **kwargs)
        # What lies below the search form is each feature's own panel (home.extensions).
        context["panels"] = home_panels(request)
        return context


class StandardPage(Page):
    """A plain content page: accessibility statement, privacy notice, cookies, credits."""

    summary = models.TextField(blank=True, help_text="Shown under the title and in search results.")
    body = StreamField(BodyStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]


@register_setting(icon="cog")
class HubSettings(BaseGenericSetting):
    """Settings editors can change without a release: the phase banner and contact details."""

    phase = models.CharField(max_length=20, default="Beta", help_text="Shown in the phase banner.")
    feedback_email = models.EmailField(default="feedback@knowledgehub.example")

    panels = [FieldPanel("phase"), FieldPanel("feedback_email")]

    class Meta:
        verbose_name = "Knowledge Hub settings"
