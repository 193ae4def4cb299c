"""Fields and behaviour shared by the section index pages."""

from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class SectionIndexPage(Page):
    """Base for the top-level section pages (good practice, communities, people, marketplace)."""

    introduction = models.TextField(blank=True, help_text="Shown under the page title.")

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    max_count = 1

    class Meta:
        abstract = True
