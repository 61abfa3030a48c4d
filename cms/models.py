"""The front door: Wagtail pages for employers, and the editable site settings.

Page tree (each type can only be created where it belongs)::

    HomePage (site root)
    ├── OfferIndexPage "The employer offer" ── OfferPage (one per offer or strand)
    ├── CaseStudyIndexPage ── CaseStudyPage
    ├── NewsIndexPage ── NewsPage
    ├── EventIndexPage ── EventPage
    ├── PartnerDirectoryPage (lists brokerage.reference.Partner)
    └── StandardPage (guidance) ── StandardPage
"""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from brokerage.reference.choices import Sector
from cms.blocks import RICH_TEXT_FEATURES, BodyBlock, FooterLinkBlock, validate_link

ENQUIRY_PATH = "/employers/enquire/"
INDEX_PAGE_SIZE = 10


def enquiry_url(slug: str) -> str:
    """The no-wrong-door enquiry form, remembering which page the employer came from."""
    return f"{ENQUIRY_PATH}?{urlencode({'from': slug})}"


class HomePage(Page):
    intro = models.TextField(
        help_text="One or two sentences under the main heading saying who this service is for."
    )
    start_button_text = models.CharField(max_length=80, default="Tell us what you need")
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("start_button_text"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.OfferIndexPage",
        "cms.CaseStudyIndexPage",
        "cms.NewsIndexPage",
        "cms.EventIndexPage",
        "cms.PartnerDirectoryPage",
        "cms.StandardPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def route(self, request, path_components):
        """Find a page below the home page by its URL path in one query, not one per level.

        Wagtail walks the tree a level at a time (two queries per level). None of the front
        door's page types route their own sub-paths, so the page whose ``url_path`` matches
        is the page to serve; anything else falls back to Wagtail's own routing (and 404).
        """
        if path_components:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            match = Page.objects.filter(url_path=url_path).specific().first()
            if match is not None:
                return match.route(request, [])
        return super().route(request, path_components)

    @property
    def enquiry_url(self) -> str:
        return enquiry_url(self.slug)

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_page_sections(home=self))
        return context


class StandardPage(Page):
    """Guidance and any other content page: rich text, calls to action, FAQs, images."""

    intro = models.TextField(blank=True, help_text="A short summary shown under the heading.")
    body = StreamField(BodyBlock(), use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = "standard page"


class OfferIndexPage(Page):
    """'The employer offer': lists every offer page."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OfferPage"]
    max_count = 1

    class Meta:
        verbose_name = "employer offer index"

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["offers"] = selectors.offer_pages(parent=self)
        return context


class OfferPage(Page):
    """One offer or strand (apprenticeships, work experience, mentoring…)."""

    summary = models.TextField(help_text="One or two sentences shown on the list of offers.")
    strand = models.ForeignKey(
        "reference.Strand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offer_pages",
        help_text="The programme strand this offer describes, if any.",
    )
    who_it_is_for = RichTextField("Who it is for", features=RICH_TEXT_FEATURES)
    what_you_get = RichTextField("What the employer gets", features=RICH_TEXT_FEATURES)
    what_you_commit_to = RichTextField("What the employer commits to", features=RICH_TEXT_FEATURES)
    how_to_take_part = RichTextField("How to take part", features=RICH_TEXT_FEATURES)
    body = StreamField(
        BodyBlock(), blank=True, use_json_field=True, help_text="Anything else, such as FAQs."
    )
    call_to_action_text = models.CharField(
        max_length=80,
        default="Tell us you are interested",
        help_text="The start button links to the enquiry form.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("strand"),
        FieldPanel("who_it_is_for"),
        FieldPanel("what_you_get"),
        FieldPanel("what_you_commit_to"),
        FieldPanel("how_to_take_part"),
        FieldPanel("body"),
        FieldPanel("call_to_action_text"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("who_it_is_for"),
        index.SearchField("what_you_get"),
        index.SearchField("what_you_commit_to"),
        index.SearchField("how_to_take_part"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.OfferIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "offer page"

    @property
    def enquiry_url(self) -> str:
        return enquiry_url(self.slug)


class CaseStudyIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CaseStudyPage"]
    max_count = 1

    class Meta:
        verbose_name = "case study index"

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["page_obj"] = selectors.paginate(
            selectors.case_studies(parent=self), request.GET.get("page")
        )
        return context


class CaseStudyPage(Page):
    employer_name = models.CharField(max_length=200)
    sector = models.CharField(max_length=40, choices=Sector.choices, blank=True)
    location = models.CharField(max_length=120, blank=True, help_text="For example: Liverpool")
    summary = models.TextField(help_text="One or two sentences shown on the list of case studies.")
    quote = models.TextField(blank=True)
    quote_attribution = models.CharField(max_length=200, blank=True)
    body = StreamField(BodyBlock(), use_json_field=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("employer_name"), FieldPanel("sector"), FieldPanel("location")],
            heading="Employer",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("quote"), FieldPanel("quote_attribution")], heading="Quote"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("employer_name"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("sector"),
    ]

    parent_page_types = ["cms.CaseStudyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "case study"


class NewsIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = "news index"

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["page_obj"] = selectors.paginate(
            selectors.news_items(parent=self), request.GET.get("page")
        )
        return context


class NewsPage(Page):
    date = models.DateField("Date published")
    summary = models.TextField(help_text="One or two sentences shown on the list of news.")
    body = StreamField(BodyBlock(), use_json_field=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "news item"


class EventIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = "events index"

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["page_obj"] = selectors.paginate(
            selectors.upcoming_events(parent=self), request.GET.get("page")
        )
        context["past_events"] = selectors.past_events(parent=self)[:5]
        return context


class EventPage(Page):
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    location = models.TextField(help_text="The venue and address, or 'Online'.")
    booking_url = models.CharField(
        "Booking link",
        max_length=500,
        blank=True,
        validators=[validate_link],
        help_text="Where employers book a place: a web address starting with https://, "
        "or a path on this site starting with /",
    )
    summary = models.TextField(help_text="One or two sentences shown on the list of events.")
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("date"),
                FieldPanel("start_time"),
                FieldPanel("end_time"),
                FieldPanel("location"),
                FieldPanel("booking_url"),
            ],
            heading="When and where",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("location"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "event"

    def clean(self):
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "The end time must be after the start time"})


class PartnerDirectoryPage(Page):
    """Lists partners marked 'show in directory', filtered by type and area."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "partner directory"

    def get_context(self, request, *args, **kwargs):
        from cms import selectors
        from cms.forms import PartnerDirectoryFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = PartnerDirectoryFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        partners = selectors.directory_partners(
            partner_type=filters.get("partner_type") or None, area=filters.get("area")
        )
        context["form"] = form
        context["filtered"] = bool(filters.get("partner_type") or filters.get("area"))
        context["page_obj"] = selectors.paginate(partners, request.GET.get("page"))
        return context


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact details and footer links shown on every page of the site."""

    partnership_name = models.CharField(
        max_length=120,
        default="Local employment partnership",
        help_text="Shown in the header of every page.",
    )
    contact_email = models.EmailField(blank=True, help_text="Where employers can email the team.")
    contact_phone = models.CharField(max_length=40, blank=True)
    footer_links = StreamField(
        [("link", FooterLinkBlock())],
        blank=True,
        use_json_field=True,
        help_text="Links in the footer, such as Privacy, Cookies and Accessibility statement.",
    )

    panels = [
        FieldPanel("partnership_name"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone")], heading="Contact"
        ),
        FieldPanel("footer_links"),
    ]

    class Meta:
        verbose_name = "site settings"

    def as_context(self) -> dict:
        return {
            "partnership_name": self.partnership_name,
            "email": self.contact_email,
            "phone": self.contact_phone,
            "footer_links": [
                {"title": block.value["title"], "url": block.value["url"]}
                for block in self.footer_links
                if block.block_type == "link"
            ],
        }
