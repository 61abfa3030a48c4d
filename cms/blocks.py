"""StreamField blocks for front-door pages. Each renders GOV.UK Design System markup."""

import re

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]

_LINK_PATTERN = re.compile(r"^(/[^\s]*|https?://[^\s]+|mailto:[^\s]+)$")


def validate_link(value: str) -> None:
    if value and not _LINK_PATTERN.match(value.strip()):
        raise ValidationError(
            "Enter a path starting with /, or a web address starting with https://"
        )


class LinkBlock(blocks.CharBlock):
    """A link: a path on this site (``/employers/enquire/``), a web address or ``mailto:``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault(
            "help_text",
            "A path on this site starting with / (for example /employers/enquire/), "
            "or a full web address starting with https://",
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        validate_link(value)
        return value.strip()


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    text = blocks.TextBlock(required=False, help_text="One or two sentences.")
    link_text = blocks.CharBlock(max_length=80, help_text="For example: Tell us what you need")
    link_url = LinkBlock()
    start_button = blocks.BooleanBlock(
        required=False,
        default=True,
        help_text="Show as a green start button (use for the main action on the page).",
    )

    class Meta:
        icon = "arrow-right"
        label = "Call to action"
        template = "cms/blocks/call_to_action.html"


class AccordionItemBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, help_text="For example a question")
    body = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"


class AccordionBlock(blocks.StructBlock):
    """A GOV.UK accordion; use it for frequently asked questions."""

    heading = blocks.CharBlock(required=False, max_length=120)
    items = blocks.ListBlock(AccordionItemBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Accordion or FAQ"
        template = "cms/blocks/accordion.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Describe the image for people who cannot see it. Leave blank if it is decorative.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"


class InsetTextBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "openquote"
        label = "Inset text"
        template = "cms/blocks/inset_text.html"


class WarningTextBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "warning"
        label = "Warning text"
        template = "cms/blocks/warning_text.html"


class BodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="cms/blocks/rich_text.html")
    call_to_action = CallToActionBlock()
    accordion = AccordionBlock()
    image = ImageBlock()
    inset_text = InsetTextBlock()
    warning_text = WarningTextBlock()


class FooterLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    url = LinkBlock()

    class Meta:
        icon = "link"
        label = "Footer link"
