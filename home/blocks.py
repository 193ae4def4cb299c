"""StreamField blocks shared across the site."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; level 2 or 3 so pages keep a single h1."""

    text = blocks.CharBlock()
    level = blocks.ChoiceBlock(choices=[("h2", "Heading 2"), ("h3", "Heading 3")], default="h2")

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"


class QuoteBlock(blocks.StructBlock):
    """A quotation with who said it."""

    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"


class FigureBlock(blocks.StructBlock):
    """A headline number with its unit, e.g. "£1.2m saved" or "38 % fewer evictions"."""

    value = blocks.DecimalBlock(decimal_places=2)
    unit = blocks.CharBlock(max_length=40, help_text='What the number counts, e.g. "%", "£", "households".')
    description = blocks.CharBlock(max_length=200)

    class Meta:
        icon = "order"
        template = "blocks/figure_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(required=False, help_text="Leave blank to use the document's own title.")

    class Meta:
        icon = "doc-full"
        template = "blocks/document_block.html"


class BodyStreamBlock(blocks.StreamBlock):
    """The general body used by content pages."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "document-link"])
    quote = QuoteBlock()
    figure = FigureBlock()
    image = ImageBlock()  # Wagtail's ImageBlock asks editors for alt text.
    document = DocumentBlock()
    embed = EmbedBlock(help_text="A link to a video or slides, e.g. on YouTube.")
