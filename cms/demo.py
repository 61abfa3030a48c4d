"""Demo front door: the home page, the employer offer, case studies, news, events, guidance.

The words come from the source documents in ``seeds/`` (Plan 500's strands, the Tees Valley
"no wrong door" employer offer, Routes to Work incentives and in-work support, and the
Liverpool City Region housing providers). Idempotent: a page that already exists (by slug
under its parent) is left as the editors made it.
"""

import datetime
import json

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page, Site, Workflow, WorkflowPage

from cms.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    OfferIndexPage,
    OfferPage,
    PartnerDirectoryPage,
    SiteSettings,
    StandardPage,
)

MODERATOR_EMAIL = "moderator@example.org"


def load(stdout) -> None:
    home = home_page_ensure()
    _site_settings(home)
    _default_workflow()
    _moderator()

    offer_index = _child(
        home,
        OfferIndexPage,
        slug="employer-offer",
        title="The employer offer",
        intro=(
            "One offer from every partner: recruitment, apprenticeships, work experience, "
            "mentoring and support once someone starts. Choose what suits your business, "
            "or tell us what you need and we will put it together for you."
        ),
    )
    for offer in OFFERS:
        fields = dict(offer)
        strand_keyword = fields.pop("strand_keyword", None)
        fields["strand"] = _strand(strand_keyword)
        _child(offer_index, OfferPage, **fields)

    case_index = _child(
        home,
        CaseStudyIndexPage,
        slug="case-studies",
        title="Case studies",
        intro="How local employers have recruited and trained people through the partnership.",
    )
    for study in CASE_STUDIES:
        _child(case_index, CaseStudyPage, **study)

    news_index = _child(home, NewsIndexPage, slug="news", title="News", intro="")
    today = timezone.localdate()
    for days_ago, item in NEWS:
        _child(news_index, NewsPage, date=today - datetime.timedelta(days=days_ago), **item)

    event_index = _child(
        home,
        EventIndexPage,
        slug="events",
        title="Events for employers",
        intro="Meet the partnership, other employers and the people you could recruit.",
    )
    for days_ahead, item in EVENTS:
        _child(event_index, EventPage, date=today + datetime.timedelta(days=days_ahead), **item)

    _child(
        home,
        PartnerDirectoryPage,
        slug="partners",
        title="Partner directory",
        intro=(
            "The organisations in the partnership: Jobcentre Plus, council teams, training "
            "providers, housing providers and voluntary organisations. You do not need to "
            "choose one: any of them can help you, and an enquiry reaches the right one."
        ),
    )
    for page in STANDARD_PAGES:
        _child(home, StandardPage, **page)
    stdout.write(f"  cms: home page, {len(OFFERS)} offer pages, case studies, news and events")


# --- site structure ------------------------------------------------------------------------


def _root_page() -> Page:
    """Wagtail's tree root, made again if a flushed database lost the one migrations create."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils.translation import get_supported_language_variant
    from wagtail.models import Locale

    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(
            language_code=get_supported_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        )
    return root


def home_page_ensure() -> HomePage:
    """The HomePage as the default site's root, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    root = _root_page()
    if home is None:
        home = HomePage(slug="front-door", **HOME)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Local employment partnership",
        )
    elif site.root_page_id != home.pk:
        previous = site.root_page
        site.root_page = home
        site.save()
        if previous.specific_class is Page and previous.depth == 2 and previous.is_leaf():
            previous.delete()  # Wagtail's "Welcome to your new Wagtail site!" page
    if home.slug != "home" and not root.get_children().filter(slug="home").exists():
        home.slug = "home"
        home.save_revision().publish()
    return HomePage.objects.get(pk=home.pk)


def _site_settings(home: HomePage) -> None:
    site = Site.objects.get(root_page=home)
    site_settings = SiteSettings.for_site(site)
    if site_settings.contact_email:
        return  # already set up; leave the editors' values alone
    site_settings.partnership_name = "Local employment partnership"
    site_settings.contact_email = "employers@example.org"
    site_settings.contact_phone = "0300 123 4567"
    site_settings.footer_links = json.dumps(
        [
            {"type": "link", "value": {"title": "Privacy notice", "url": "/privacy/"}},
            {"type": "link", "value": {"title": "Accessibility statement", "url": "/accessibility/"}},
            {"type": "link", "value": {"title": "Partner directory", "url": "/partners/"}},
        ]
    )
    site_settings.save()


def _default_workflow() -> None:
    """Every page is approved by the Moderators group before it goes live (docs/cms.md)."""
    root = Page.get_first_root_node()
    if WorkflowPage.objects.filter(page=root).exists():
        return
    workflow = Workflow.objects.filter(active=True, name="Moderators approval").first()
    if workflow is None:
        from wagtail.models import GroupApprovalTask, WorkflowTask

        moderators, _ = Group.objects.get_or_create(name="Moderators")
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.set([moderators])
        workflow = Workflow.objects.create(name="Moderators approval")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=root)


def _moderator() -> None:
    """A demo CMS editor who is also in Wagtail's Moderators group, so can approve pages."""
    from allauth.account.models import EmailAddress

    from portal.accounts.demo import demo_password_hash
    from portal.accounts.models import User
    from portal.accounts.roles import Role

    user = User.objects.filter(email=MODERATOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            MODERATOR_EMAIL, None, first_name="Morgan", last_name="Reid", skip_two_factor=True
        )
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    editor_group, _ = Group.objects.get_or_create(name=Role.EDITOR.label)
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    user.groups.add(editor_group, moderators)


def _strand(keyword: str | None):
    from brokerage.reference.models import Strand

    if not keyword:
        return None
    return Strand.objects.filter(name__icontains=keyword).order_by("pk").first()


def _child(parent: Page, model, *, slug: str, **fields) -> Page:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    for name, value in list(fields.items()):
        if name == "body" and isinstance(value, list):
            fields[name] = json.dumps(value)
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)


def _text(html: str) -> dict:
    return {"type": "text", "value": html}


def _inset(html: str) -> dict:
    return {"type": "inset_text", "value": {"text": html}}


def _cta(heading: str, text: str, link_text: str, url: str) -> dict:
    return {
        "type": "call_to_action",
        "value": {
            "heading": heading,
            "text": text,
            "link_text": link_text,
            "link_url": url,
            "start_button": True,
        },
    }


def _faq(heading: str, items: list[tuple[str, str]]) -> dict:
    return {
        "type": "accordion",
        "value": {
            "heading": heading,
            "items": [{"heading": question, "body": answer} for question, answer in items],
        },
    }


# --- content ----------------------------------------------------------------------------------

HOME = {
    "title": "Recruit, train and support local people",
    "intro": (
        "One place for employers to reach every recruitment and skills service in the area: "
        "vacancies, apprenticeships, work experience, mentoring and guaranteed interviews. "
        "There is no wrong door: tell us what you need once, and the right partner gets back "
        "to you."
    ),
    "start_button_text": "Tell us what you need",
    "body": json.dumps(
        [
            _text(
                "<h2>How it works</h2>"
                "<ol><li>Tell us what you need using the online form. It takes about 5 minutes "
                "and you do not need an account.</li>"
                "<li>We pass your enquiry to the partner best placed to help, based on where "
                "you are and what you need.</li>"
                "<li>They contact you within 2 working days. If they do not, we chase it for "
                "you.</li></ol>"
            ),
            _inset(
                "<p>Many organisations approach employers about recruitment and training. "
                "We have joined up so that you only have to deal with one of us.</p>"
            ),
        ]
    ),
}

OFFERS = [
    {
        "slug": "apprenticeships",
        "title": "Apprenticeships",
        "strand_keyword": "apprentice",
        "summary": (
            "Take on an apprentice and grow your own skilled staff, with help to find "
            "the right person and the right training."
        ),
        "who_it_is_for": (
            "<p>Employers of any size who can offer a real job with training. Apprentices "
            "are often young people aged 16 to 24 who are new to work, but they can be any "
            "age.</p>"
        ),
        "what_you_get": (
            "<ul><li>help choosing an apprenticeship standard and a training provider</li>"
            "<li>candidates who have been prepared for work and matched to your "
            "vacancy</li>"
            "<li>advice on shared apprenticeships if you cannot offer a full-time post on "
            "your own: apprentices can be pooled across several employers</li>"
            "<li>support for your apprentice from a key worker once they start</li></ul>"
        ),
        "what_you_commit_to": (
            "<ul><li>employing the apprentice for the length of the apprenticeship, with a "
            "contract and at least the apprentice rate of pay</li>"
            "<li>giving them time for off-the-job training</li>"
            "<li>telling us how they are getting on at the agreed checkpoints</li></ul>"
        ),
        "how_to_take_part": (
            "<p>Tell us about the role using the enquiry form. A partner will contact you to "
            "talk through the apprenticeship, then help you advertise it and shortlist "
            "candidates.</p>"
        ),
        "call_to_action_text": "Offer an apprenticeship",
    },
    {
        "slug": "work-experience",
        "title": "Work experience",
        "strand_keyword": "work experience",
        "summary": (
            "Give a young person a first taste of work. Placements can be short and fit "
            "around your business."
        ),
        "who_it_is_for": (
            "<p>Employers who can give a young person a few days or weeks of real tasks "
            "with someone to show them the ropes.</p>"
        ),
        "what_you_get": (
            "<ul><li>a chance to see what a possible recruit can do before you offer a "
            "job</li>"
            "<li>young people introduced to you who are interested in your sector, "
            "including graduates looking for their first role</li>"
            "<li>help with the paperwork and a named contact throughout</li></ul>"
        ),
        "what_you_commit_to": (
            "<p>Placements usually last:</p>"
            "<ul><li>up to 2 weeks for school pupils in years 10 and 11</li>"
            "<li>2 to 8 weeks for unemployed 18 to 24 year olds</li>"
            "<li>a length that suits you for other young people who are out of work</li></ul>"
            "<p>You provide a safe workplace, a supervisor and useful tasks, and confirm "
            "attendance at the end.</p>"
        ),
        "how_to_take_part": (
            "<p>Tell us about the placement using the enquiry form, in the same way you "
            "would describe a job. We will find interested young people and introduce "
            "them to you.</p>"
        ),
        "call_to_action_text": "Offer work experience",
    },
    {
        "slug": "mentoring",
        "title": "Mentoring young people",
        "strand_keyword": "mentor",
        "summary": (
            "Share your experience with young people starting out in work. We train you "
            "and match you with a mentee."
        ),
        "who_it_is_for": (
            "<p>Business owners, managers and experienced staff who can spare about an hour "
            "a month to support a young person.</p>"
        ),
        "what_you_get": (
            "<ul><li>free mentor training, in one day session</li>"
            "<li>a mentee from a sector that interests them, who has chosen you</li>"
            "<li>a written mentoring agreement so both of you know what to expect</li></ul>"
        ),
        "what_you_commit_to": (
            "<ul><li>mentoring at least 2 young people, one at a time, for up to 6 months "
            "each</li>"
            "<li>meeting your mentee face to face about once a month</li>"
            "<li>telling us when the mentoring ends and what your mentee achieved</li></ul>"
        ),
        "how_to_take_part": (
            "<p>Tell us you are interested using the enquiry form. We will invite you to the "
            "next mentor training day.</p>"
        ),
        "call_to_action_text": "Become a mentor",
    },
    {
        "slug": "recruitment-and-guaranteed-interviews",
        "title": "Recruitment and guaranteed interviews",
        "strand_keyword": "interview",
        "summary": (
            "Fill your vacancies with local people who are ready for work, and offer an "
            "interview to everyone who meets your criteria."
        ),
        "who_it_is_for": (
            "<p>Employers with vacancies now or coming up, including large recruitment "
            "drives such as a new site opening.</p>"
        ),
        "what_you_get": (
            "<ul><li>one point of contact for Jobcentre Plus, the council and local "
            "providers, instead of being approached by each of them</li>"
            "<li>candidates screened against your job requirements</li>"
            "<li>pre-employment training shaped around your jobs, such as a sector-based "
            "work academy, so candidates start with the skills you need</li>"
            "<li>work trials, so a candidate can show what they can do before you "
            "decide</li></ul>"
        ),
        "what_you_commit_to": (
            "<ul><li>telling us the skills and requirements the job really needs</li>"
            "<li>if you pledge guaranteed interviews: interviewing every candidate who meets "
            "those requirements</li>"
            "<li>giving feedback to candidates you do not appoint</li></ul>"
        ),
        "how_to_take_part": (
            "<p>Send us your vacancy using the enquiry form. We will agree how to advertise it "
            "and when you will see candidates.</p>"
        ),
        "call_to_action_text": "Tell us about a vacancy",
    },
    {
        "slug": "employer-incentives-and-in-work-support",
        "title": "Employer incentives and in-work support",
        "strand_keyword": None,
        "summary": (
            "Payments and practical support when you take on someone who has been out of "
            "work for a long time."
        ),
        "who_it_is_for": (
            "<p>Employers willing to give a job to someone who is long-term unemployed or has "
            "no recent work experience, and who may need extra support at first.</p>"
        ),
        "what_you_get": (
            "<ul><li>an incentive payment, paid in stages once your new employee has "
            "started and stayed in work</li>"
            "<li>a key worker who stays in touch with you and your employee for up to 12 "
            "months, with check-ins at 3, 6, 9 and 12 months</li>"
            "<li>help with the costs of extra supervision or a buddy for a protected period "
            "when someone needs it</li>"
            "<li>awareness training for your staff on subjects such as mental health, "
            "disability and autism</li></ul>"
        ),
        "what_you_commit_to": (
            "<ul><li>a real job with a contract, usually at least 16 hours a week</li>"
            "<li>confirming that your employee is still with you when we ask: it takes one "
            "step online</li>"
            "<li>telling us straight away if the job ends, as payments may then stop or be "
            "recovered</li></ul>"
        ),
        "how_to_take_part": (
            "<p>Ask about incentives using the enquiry form. A key worker will explain the "
            "rules for your area before you offer anyone a job.</p>"
        ),
        "call_to_action_text": "Ask about incentives",
    },
    {
        "slug": "schools-and-colleges",
        "title": "Supporting schools and colleges",
        "strand_keyword": "diploma",
        "summary": (
            "Help young people see the careers in your sector with a talk, a workshop or a "
            "visit."
        ),
        "who_it_is_for": (
            "<p>Employers who want to inspire the next generation of recruits in their "
            "sector, such as construction, engineering, hospitality or creative "
            "industries.</p>"
        ),
        "what_you_get": (
            "<ul><li>an introduction to schools and colleges teaching courses linked to your "
            "sector</li>"
            "<li>a way to build your reputation with future applicants</li></ul>"
        ),
        "what_you_commit_to": (
            "<p>As little or as much time as you can give: a question and answer session, a "
            "talk about careers in your business, a workshop, or an enterprise challenge.</p>"
        ),
        "how_to_take_part": (
            "<p>Tell us what you could offer using the enquiry form and we will put you in "
            "touch with a school or college.</p>"
        ),
        "call_to_action_text": "Offer to help a school",
    },
    {
        "slug": "training-your-young-staff",
        "title": "Training your young staff",
        "strand_keyword": "qualification",
        "summary": (
            "Help young people already working for you gain a work-based qualification."
        ),
        "who_it_is_for": (
            "<p>Employers with staff aged 16 to 24 who would benefit from a recognised "
            "qualification.</p>"
        ),
        "what_you_get": (
            "<ul><li>advice on qualifications and funding that suit your business</li>"
            "<li>a training provider who can deliver in your workplace</li></ul>"
        ),
        "what_you_commit_to": (
            "<p>Giving your employee time to train and supporting them to finish.</p>"
        ),
        "how_to_take_part": (
            "<p>Tell us about the staff you would like to train using the enquiry form.</p>"
        ),
        "call_to_action_text": "Ask about training",
    },
]

CASE_STUDIES = [
    {
        "slug": "housing-social-enterprise-trainees",
        "title": "A social enterprise that turns trainees into permanent staff",
        "employer_name": "IN Environmental Services (Plus Dane Group)",
        "sector": "housing",
        "location": "Merseyside",
        "summary": (
            "A housing group's grounds maintenance business trains between 40 and 90 local "
            "people a year, many of whom go on to permanent jobs."
        ),
        "body": [
            _text(
                "<p>IN Environmental Services is a social enterprise that is part of a "
                "housing group. It delivers grounds maintenance and gardening contracts for "
                "the NHS, housing providers and other clients across Merseyside.</p>"
                "<p>Around a core of 14 permanent staff, it recruits local people who are at "
                "risk of being shut out of work and gives them a stable period of paid "
                "employment. Trainees work towards an NVQ level 2, health and safety "
                "qualifications and specialist skills such as horticulture.</p>"
                "<h2>What changed</h2>"
                "<p>Trainees leave with recent experience, qualifications and a CV that "
                "employers recognise. Several have been taken on permanently by the clients "
                "they worked for.</p>"
            ),
        ],
        "quote": (
            "I didn't think I would have a chance because I had been in trouble, but I went "
            "to see them and I got the job. Best of all I got a permanent job with one of "
            "the companies that we did work for."
        ),
        "quote_attribution": "Stephen, former trainee",
    },
    {
        "slug": "gardening-apprenticeships",
        "title": "Four horticultural apprenticeships from a small gardening service",
        "employer_name": "Oasis Gardening Services",
        "sector": "housing",
        "location": "Knowsley",
        "summary": (
            "Support from a housing trust helped a small social enterprise extend its "
            "service and create four apprenticeships."
        ),
        "body": [
            _text(
                "<p>Oasis Gardening Services looks after gardens for older and vulnerable "
                "people. With investment from the local housing trust it extended its "
                "service and created four horticultural apprenticeships for young local "
                "people.</p>"
                "<p>Each apprentice studies for an NVQ level 2 in gardening while working "
                "on real jobs for customers.</p>"
            ),
        ],
        "quote": (
            "What I am learning is really useful and worthwhile. One day I hope to run my "
            "own gardening business."
        ),
        "quote_attribution": "Liam, apprentice",
    },
    {
        "slug": "work-experience-induction",
        "title": "Opening a training room to prepare young people for work experience",
        "employer_name": "Green Square Group",
        "sector": "housing",
        "location": "Swindon",
        "summary": (
            "A medium-sized employer lent its training room so a provider could run an "
            "induction for young people about to start work experience."
        ),
        "body": [
            _text(
                "<p>As part of Swindon's Plan 500, local employers set out to create 500 new "
                "opportunities for young people in a year, including 150 work experience "
                "placements.</p>"
                "<p>Green Square Group, representing medium-sized employers on the board, "
                "made its company training room available so that a training provider could "
                "deliver an induction session to young people before their placements "
                "began.</p>"
                "<h2>Why it helped</h2>"
                "<p>Young people arrived at their placements knowing what to expect, and "
                "employers taking them on had fewer early drop-outs to deal with.</p>"
            ),
        ],
        "quote": "",
        "quote_attribution": "",
    },
]

NEWS = [
    (
        6,
        {
            "slug": "online-enquiries-now-open",
            "title": "Employers can now send enquiries online",
            "summary": (
                "You can now tell us what you need online at any time, without an account, "
                "and the right partner will contact you."
            ),
            "body": [
                _text(
                    "<p>Employers told us that ringing round different organisations took "
                    "too long. Earlier schemes lost employers because they could not sign up "
                    "online from the start.</p>"
                    "<p>You can now send an enquiry about vacancies, apprenticeships, work "
                    "experience or mentoring in one place. We record it once and pass it to "
                    "the partner best placed to help. If nobody responds within 2 working "
                    "days, we chase it.</p>"
                ),
                _cta(
                    "",
                    "",
                    "Tell us what you need",
                    "/employers/enquire/?from=online-enquiries-now-open",
                ),
            ],
        },
    ),
    (
        20,
        {
            "slug": "housing-providers-join",
            "title": "Housing providers join the partnership",
            "summary": (
                "Housing associations are joining as partners and as employers, offering "
                "apprenticeships and work placements."
            ),
            "body": [
                _text(
                    "<p>Housing associations are significant local employers. In the "
                    "Liverpool City Region they directly employ around 6,400 staff and have "
                    "supported hundreds of apprenticeships through their contractors.</p>"
                    "<p>They will offer work placements, work trials, training, mentoring and "
                    "apprenticeships, and will signpost their residents to the partnership's "
                    "support.</p>"
                ),
            ],
        },
    ),
    (
        45,
        {
            "slug": "in-work-support-12-months",
            "title": "In-work support now lasts up to 12 months",
            "summary": (
                "Key workers will stay in touch with employers and new employees for up to "
                "a year after a job starts."
            ),
            "body": [
                _text(
                    "<p>People are most likely to leave a new job in the first 3 months. Key "
                    "workers will now keep in regular contact with both you and your new "
                    "employee for at least the first 3 months, and for up to 12 months, with "
                    "check-ins at 3, 6, 9 and 12 months.</p>"
                    "<p>If your employee needs help from another service, such as money "
                    "advice or health support, the key worker will arrange it.</p>"
                ),
            ],
        },
    ),
]

EVENTS = [
    (
        21,
        {
            "slug": "employer-breakfast",
            "title": "Employer breakfast: recruiting young people",
            "start_time": datetime.time(8, 0),
            "end_time": datetime.time(9, 30),
            "location": "Middlesbrough Town Hall, Albert Road, Middlesbrough TS1 2QJ",
            "booking_url": "/employers/enquire/?from=employer-breakfast",
            "summary": (
                "Hear from local employers who have taken on apprentices and work experience "
                "placements, and meet the partners who can help you do the same."
            ),
            "body": [
                _text(
                    "<p>This free event is for business owners, managers and HR staff. "
                    "Breakfast is provided.</p>"
                ),
            ],
        },
    ),
    (
        49,
        {
            "slug": "mentor-training-day",
            "title": "Mentor training day",
            "start_time": datetime.time(9, 30),
            "end_time": datetime.time(15, 30),
            "location": "Online",
            "booking_url": "/employers/enquire/?from=mentor-training-day",
            "summary": (
                "Free training for business people who want to mentor a young person for up "
                "to 6 months."
            ),
            "body": [],
        },
    ),
]

STANDARD_PAGES = [
    {
        "slug": "guidance",
        "title": "Working with the partnership: questions from employers",
        "intro": "Answers to the questions employers ask us most often.",
        "body": [
            _faq(
                "Frequently asked questions",
                [
                    (
                        "Who will contact me after I send an enquiry?",
                        "<p>One partner, chosen because they cover your area and handle the "
                        "kind of help you asked for. They will contact you within 2 working "
                        "days. You will not be contacted by several organisations about the "
                        "same enquiry.</p>",
                    ),
                    (
                        "Does it cost anything?",
                        "<p>No. The partnership's services are free to employers. Some "
                        "offers, such as employer incentives, pay you.</p>",
                    ),
                    (
                        "Can I take part in more than one offer?",
                        "<p>Yes. Many employers offer work experience and apprenticeships, or "
                        "mentor young people as well as recruiting. Tell us everything you "
                        "are interested in and one contact will coordinate it.</p>",
                    ),
                    (
                        "Will the people you send me be ready for work?",
                        "<p>Candidates are assessed by a key worker and supported with any "
                        "barriers, such as travel costs, childcare or the licences and cards "
                        "a job needs, before they are put forward to you.</p>",
                    ),
                    (
                        "What happens after someone starts?",
                        "<p>Their key worker stays in touch with you both for up to 12 "
                        "months. We will ask you to confirm that they are still in work at "
                        "set points; this takes one step online.</p>",
                    ),
                ],
            ),
            _cta(
                "Still have a question?",
                "Send us an enquiry and the right partner will answer it.",
                "Ask a question",
                "/employers/enquire/?from=guidance",
            ),
        ],
    },
    {
        "slug": "privacy",
        "title": "Privacy notice",
        "intro": "How the partnership uses the information you give us.",
        "body": [
            _text(
                "<h2>What we collect</h2>"
                "<p>When you send an enquiry or register, we collect your name, your "
                "organisation, your contact details and what you need from us.</p>"
                "<h2>How we use it</h2>"
                "<p>We use it to respond to you and to pass your enquiry to the partner best "
                "placed to help. We keep one record of your organisation so that partners "
                "can see who has already been in touch with you.</p>"
                "<h2>Your rights</h2>"
                "<p>You can ask for a copy of the information we hold about you, ask us to "
                "correct it, or ask us to delete it. Email the employer team to do this.</p>"
            ),
        ],
    },
    {
        "slug": "accessibility",
        "title": "Accessibility statement",
        "intro": "We want as many people as possible to be able to use this website.",
        "body": [
            _text(
                "<p>This website uses the GOV.UK Design System. You should be able to zoom "
                "in up to 400% without the text spilling off the screen, navigate most of "
                "the website using just a keyboard, and use it with a screen reader.</p>"
                "<h2>Reporting problems</h2>"
                "<p>If you find a problem or need information in a different format, email "
                "the employer team and we will reply within 5 working days.</p>"
            ),
        ],
    },
]
