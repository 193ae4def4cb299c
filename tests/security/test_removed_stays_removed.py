"""Removed means removed: once content is taken down, hidden or edited, the old text is gone.

Every kind of content people write (community threads and replies, good practice comments,
marketplace reviews, providers' replies and listings, profile fields) is made through the
services with a unique marker in it. Each test first proves the marker reaches the places it
should (so the test can fail), then removes, hides or edits it the way the site does, and
asserts the marker is absent from every page, feed, search result, suggestion, export,
notification, digest still to be sent and WebSocket catch-up replay, for an anonymous visitor,
an ordinary signed-in member and a member of the community itself.

The database is really committed (`transaction=True`): the services' `on_commit` work (search
reindexing, cache bumps, live broadcasts, emails) runs as it does on the site, and the
WebSocket consumer reads the committed event log through config.asgi's real middleware stack.
"""

import datetime
import json
import uuid
from dataclasses import dataclass, field

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from accounts.factories import UserFactory
from accounts.models import Profile, Skill, Visibility
from accounts.roles import Role as SiteRole
from accounts.services import profile_update, user_set_role
from communities import services as community_services
from communities.factories import MembershipFactory, community_create
from communities.models import Access, Frequency, Role
from communities.selectors import notification_list
from hub import services as hub_services
from hub.factories import case_study_create
from hub.models import GoodPracticeIndexPage
from hub.services import review_workflow_ensure, service_areas_ensure
from marketplace import services as market_services
from marketplace.factories import ProviderFactory, ServiceFactory
from marketplace.models import RemovalReason, Service

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Marker:
    """Unique text to put in content: a word to search with, and the secret looked for.

    Search pages repeat the query back ("results for ..."), so what is searched for (`key`) and
    what must not be seen (`secret`) differ; both are single words (no hyphens), so every
    search backend and tokenizer treats each as one term.
    """

    key: str
    secret: str

    def __str__(self) -> str:
        return f"{self.key} {self.secret}"

    def seen_in(self, text: str) -> bool:
        return self.secret.lower() in text.lower()


def new_marker(kind: str) -> Marker:
    return Marker(key=f"find{uuid.uuid4().hex[:10]}", secret=f"SECRET{kind.upper()}{uuid.uuid4().hex[:12]}")


# --- Viewers and the places they look --------------------------------------------------------


@dataclass
class Viewer:
    name: str
    user: object | None = None
    client: Client = field(default_factory=Client)

    def __post_init__(self):
        if self.user is not None:
            self.client.force_login(self.user)


def site_wide_urls(marker: Marker, viewer: Viewer) -> list[str]:
    """Places anyone can look whatever the content: home, site search, suggestions, people."""
    urls = [
        "/",
        f"/search/?q={marker.key}",
        f"/search/suggest/?q={marker.key}",
        f"/people/?q={marker.key}",
    ]
    if viewer.user is not None:
        urls += ["/account/", "/notifications/"]
    return urls


def _seen_over_http(marker: Marker, viewer: Viewer, urls: list[str]) -> set[str]:
    seen = set()
    for url in [*urls, *site_wide_urls(marker, viewer)]:
        response = viewer.client.get(url)
        # getvalue() reads streamed responses (file downloads) as well as ordinary ones.
        if marker.seen_in(response.getvalue().decode("utf-8", "replace")):
            seen.add(url)
    return seen


def _replayed(community, viewers: list[Viewer]) -> dict[str, str]:
    """Everything a fresh socket is replayed with `?after=0`, per viewer (empty if refused).

    Through config.asgi's application: origin check, session authentication, routing. The
    consumer announces presence once its catch-up is sent, so that marks the end of the replay.
    """
    from config.asgi import application

    async def read(viewer: Viewer) -> str:
        headers = [(b"origin", b"http://testserver")]
        if viewer.user is not None:
            session = viewer.client.cookies[settings.SESSION_COOKIE_NAME].value
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
        communicator = WebsocketCommunicator(application, f"/ws/communities/{community.slug}/?after=0", headers)
        connected, _ = await communicator.connect(timeout=5)
        if not connected:
            return ""
        # The consumer handles one message at a time: its answer to a ping comes after the whole
        # catch-up it sends while connecting.
        await communicator.send_json_to({"type": "ping"})
        texts = []
        while True:
            text = await communicator.receive_from(timeout=5)
            if json.loads(text).get("type") == "pong":
                break
            texts.append(text)
        await communicator.disconnect()
        return "\n".join(texts)

    async def read_all() -> dict[str, str]:
        return {viewer.name: await read(viewer) for viewer in viewers}

    return async_to_sync(read_all)()


@dataclass
class Sightings:
    """Where each viewer saw the marker: {viewer name: {place, ...}}."""

    places: dict[str, set[str]]

    def everywhere(self) -> set[str]:
        return {f"{viewer}: {place}" for viewer, seen in self.places.items() for place in seen}


def sightings(marker: Marker, viewers: list[Viewer], *, urls: list[str], community=None, digest=None) -> Sightings:
    """Look for `marker` everywhere each viewer could meet it.

    `community`: also read its WebSocket replay and, for members, the notification centre.
    `digest`: a frequency whose digest (not yet sent) is built now and read.
    """
    places = {viewer.name: _seen_over_http(marker, viewer, urls) for viewer in viewers}
    if community is not None:
        for name, text in _replayed(community, viewers).items():
            if marker.seen_in(text):
                places[name].add("WebSocket replay ?after=0")
        for viewer in viewers:
            if viewer.user is not None and any(
                marker.seen_in(n.message) for n in notification_list(user=viewer.user, per_page=100)
            ):
                places[viewer.name].add("notification_list")
    if digest is not None:
        mail.outbox = []
        community_services.digest_send(frequency=digest, now=timezone.now() + datetime.timedelta(seconds=1))
        for message in mail.outbox:
            if marker.seen_in(message.subject + message.body):
                places.setdefault(f"digest to {message.to[0]}", set()).add(f"{digest} digest email")
    return Sightings(places)


def assert_visible(found: Sightings, *expected: str) -> None:
    """The marker reached at least these places (`viewer: place`) before the change."""
    missing = set(expected) - found.everywhere()
    assert not missing, f"marker never showed where it should (the test could not fail): {sorted(missing)}"


def assert_gone(found: Sightings) -> None:
    leaks = found.everywhere()
    assert not leaks, "old text still shown after the change:\n" + "\n".join(sorted(leaks))


# --- Communities: threads and replies ---------------------------------------------------------


@dataclass
class Discussion:
    community: object
    author: object
    member: object
    moderator: object
    outsider: object
    viewers: list[Viewer]
    thread: object = None
    reply: object = None

    @property
    def urls(self) -> list[str]:
        slug = self.community.slug
        urls = [self.community.url, "/communities/", f"/communities/{slug}/feed/", f"/communities/{slug}/library/"]
        if self.thread is not None:
            urls.append(self.thread.get_absolute_url())
            urls.append(self.thread.get_absolute_url() + "?page=last")
        return urls

    def look(self, marker: Marker, *, digest: str) -> Sightings:
        return sightings(marker, self.viewers, urls=self.urls, community=self.community, digest=digest)


@pytest.fixture
def discussion(home_page):
    """make(access): a community, its author, a member who wants digests, a moderator, viewers.

    The member takes the daily digest and the author's colleague the weekly one: the weekly
    digest shows the marker before the change, the daily one is built after it.
    """

    def make(access: str) -> Discussion:
        community = community_create(access=access, title=f"Moderation {access} {uuid.uuid4().hex[:6]}")
        author, member, weekly, moderator, outsider = (UserFactory() for _ in range(5))
        MembershipFactory(community=community, user=author)
        MembershipFactory(community=community, user=member, email_frequency=Frequency.DAILY)
        MembershipFactory(community=community, user=weekly, email_frequency=Frequency.WEEKLY)
        MembershipFactory(community=community, user=moderator, role=Role.MODERATOR)
        viewers = [Viewer("member", member)]
        if access == Access.OPEN:
            viewers += [Viewer("anonymous"), Viewer("signed-in non-member", outsider)]
        return Discussion(community, author, member, moderator, outsider, viewers)

    return make


def _mention(user) -> str:
    return "@" + community_services.user_handle(user)


def _thread_with_marker(d: Discussion, marker: Marker):
    # The marker is in the title (shown in lists, feeds, notifications, digests) and the body.
    d.thread = community_services.thread_create(
        community=d.community,
        author=d.author,
        title=f"Plans {marker}",
        body=f"{_mention(d.member)} the details: {marker}",
    )
    return d.thread


def _report_and_resolve(d: Discussion, *, action: str, reply=None) -> None:
    report = community_services.report_create(reporter=d.member, thread=d.thread, reply=reply, reason="Not OK")
    community_services.report_resolve(report=report, actor=d.moderator, action=action, reason="Breaks the rules")


THREAD_CHANGES = {
    "removed by a moderator": lambda d: _report_and_resolve(d, action="remove"),
    "hidden by a moderator": lambda d: _report_and_resolve(d, action="hide"),
    "edited by its author": lambda d: community_services.thread_edit(
        thread=d.thread, editor=d.author, title="Plans, revised", body="Nothing to see."
    ),
}


@pytest.mark.parametrize("access", [Access.OPEN, Access.PRIVATE])
@pytest.mark.parametrize("change", list(THREAD_CHANGES))
def test_a_community_thread_is_gone_everywhere_after_it_is_taken_down_or_edited(discussion, access, change):
    d = discussion(access)
    marker = new_marker("thread")
    _thread_with_marker(d, marker)
    thread_url = d.thread.get_absolute_url()

    before = d.look(marker, digest=Frequency.WEEKLY)
    assert_visible(
        before,
        f"member: {d.community.url}",
        f"member: {thread_url}",
        f"member: /communities/{d.community.slug}/feed/",
        f"member: /search/?q={marker.key}",
        "member: /notifications/",
        "member: WebSocket replay ?after=0",
    )
    assert any(place == "weekly digest email" for seen in before.places.values() for place in seen)

    THREAD_CHANGES[change](d)

    assert_gone(d.look(marker, digest=Frequency.DAILY))


def _reply_with_marker(d: Discussion, marker: Marker):
    d.thread = community_services.thread_create(
        community=d.community, author=d.moderator, title="A question", body="What do you think?"
    )
    d.reply = community_services.reply_create(
        thread=d.thread, author=d.author, body=f"{_mention(d.member)} my answer: {marker}"
    )
    return d.reply


REPLY_CHANGES = {
    "removed by a moderator": lambda d: _report_and_resolve(d, action="remove", reply=d.reply),
    "hidden by a moderator": lambda d: _report_and_resolve(d, action="hide", reply=d.reply),
    "deleted by its author": lambda d: community_services.reply_delete(reply=d.reply, actor=d.author),
    "edited by its author": lambda d: community_services.reply_edit(
        reply=d.reply, editor=d.author, body="I take that back."
    ),
}


@pytest.mark.parametrize("access", [Access.OPEN, Access.PRIVATE])
@pytest.mark.parametrize("change", list(REPLY_CHANGES))
def test_a_community_reply_is_gone_everywhere_after_it_is_taken_down_or_edited(discussion, access, change):
    d = discussion(access)
    marker = new_marker("reply")
    _reply_with_marker(d, marker)

    before = d.look(marker, digest=Frequency.WEEKLY)
    assert_visible(
        before,
        f"member: {d.thread.get_absolute_url()}",
        "member: WebSocket replay ?after=0",
    )

    REPLY_CHANGES[change](d)

    assert_gone(d.look(marker, digest=Frequency.DAILY))


def _library_file_with_marker(d: Discussion, marker: Marker):
    # The marker is in the title (the library page) and in the file itself (the download).
    return community_services.library_file_add(
        community=d.community,
        actor=d.author,
        title=f"Figures {marker}",
        upload=SimpleUploadedFile("figures.csv", f"ward,note\n1,{marker}\n".encode()),
    )


LIBRARY_FILE_CHANGES = {
    "removed by its uploader": lambda d, document: community_services.library_file_remove(
        file=document, actor=d.author
    ),
    "removed by a moderator": lambda d, document: community_services.library_file_remove(
        file=document, actor=d.moderator, reason="Personal data"
    ),
}


@pytest.mark.parametrize("access", [Access.OPEN, Access.PRIVATE])
@pytest.mark.parametrize("change", list(LIBRARY_FILE_CHANGES))
def test_a_community_library_file_is_gone_everywhere_after_it_is_removed(
    discussion, settings, tmp_path, access, change
):
    settings.COMMUNITIES_PRIVATE_ROOT = tmp_path
    d = discussion(access)
    marker = new_marker("libraryfile")
    document = _library_file_with_marker(d, marker)
    library = f"/communities/{d.community.slug}/library/"
    download = f"{library}{document.pk}/download/"
    urls = [*d.urls, download]

    before = sightings(marker, d.viewers, urls=urls, community=d.community)
    assert_visible(before, f"member: {library}", f"member: {download}")

    LIBRARY_FILE_CHANGES[change](d, document)

    assert_gone(sightings(marker, d.viewers, urls=urls, community=d.community, digest=Frequency.DAILY))
    assert not document.file.storage.exists(document.file.name)


# --- Good practice comments ---------------------------------------------------------------------


@pytest.fixture
def case_study(home_page):
    service_areas_ensure()
    index = GoodPracticeIndexPage.objects.get()
    review_workflow_ensure(index=index)
    return case_study_create(index=index, title="Preventing homelessness early")


def _viewers() -> list[Viewer]:
    return [Viewer("anonymous"), Viewer("member", UserFactory())]


def test_a_good_practice_comment_removed_by_a_moderator_is_gone_everywhere(case_study):
    marker = new_marker("comment")
    author, moderator = UserFactory(), UserFactory()
    user_set_role(user=moderator, role=SiteRole.MODERATOR)
    comment = hub_services.comment_create(user=author, page=case_study, text=f"We tried this too: {marker}")
    viewers = _viewers()
    urls = [
        case_study.url,
        "/good-practice/",
        f"/good-practice/?q={marker.key}",
        "/good-practice/feeds/rss/",
        "/good-practice/feeds/atom/",
        f"/good-practice/feeds/rss/?q={marker.key}",
        f"/good-practice/feeds/atom/?q={marker.key}",
    ]
    # Anonymous visitors are served from the page cache: read the page once so it is cached.
    assert_visible(sightings(marker, viewers, urls=urls), f"anonymous: {case_study.url}", f"member: {case_study.url}")

    hub_services.comment_remove(moderator=moderator, comment=comment, reason="Off topic")

    assert_gone(sightings(marker, viewers, urls=urls))


# --- Marketplace: reviews, providers' replies, listings ----------------------------------------


@dataclass
class Market:
    provider: object
    staff: object
    moderator: object
    service: Service
    viewers: list[Viewer]

    def submit(self, **changes):
        """The provider's staff submit a change to the listing, as the edit form does."""
        from marketplace.models import CONTENT_FIELDS

        self.service.refresh_from_db()
        content = {name: getattr(self.service, name) for name in CONTENT_FIELDS}
        return market_services.service_submit(
            provider=self.provider, user=self.staff, service=self.service, content={**content, **changes}
        )

    def publish(self, **changes) -> None:
        market_services.revision_approve(revision=self.submit(**changes), moderator=self.moderator)


@pytest.fixture
def market(home_page) -> Market:
    """A listed service, its provider's staff, a site moderator and a shortlist for each viewer."""
    market_services.listing_changed()  # factories write behind the services' back
    provider = ProviderFactory()
    staff = UserFactory(organisation=provider.organisation)
    provider.staff.add(staff)
    moderator = UserFactory()
    user_set_role(user=moderator, role=SiteRole.MODERATOR)
    service = ServiceFactory(provider=provider)
    market_services.listing_reindex()
    viewers = _viewers()
    for viewer in viewers:
        viewer.client.post("/marketplace/shortlist/add/", {"service": service.pk})
    return Market(provider, staff, moderator, service, viewers)


def market_urls(service: Service, marker: Marker) -> list[str]:
    return [
        "/marketplace/",
        f"/marketplace/?q={marker.key}",
        f"/marketplace/services/{service.slug}/",
        f"/marketplace/compare/?s={service.slug}",
        f"/marketplace/compare/print/?s={service.slug}",
        f"/marketplace/compare/export.csv?s={service.slug}",
        "/marketplace/shortlist/",
    ]


def _review(service, text: str, *, author=None):
    """Write a review (or, for an `author` who has one, rewrite it) through the review form's service."""
    return market_services.review_submit(
        service=service,
        user=author or UserFactory(),
        used_in=datetime.date(2025, 1, 1),
        how_used="commissioned",
        rating_experience=4,
        rating_value=4,
        rating_outcomes=4,
        would_recommend=True,
        text=text,
    )


REVIEW_CHANGES = {
    "removed by a moderator": lambda review, moderator: market_services.review_remove(
        review=review, moderator=moderator, reason=RemovalReason.ABUSIVE
    ),
    "edited by its author": lambda review, moderator: _review(review.service, "Changed my mind.", author=review.author),
}


@pytest.mark.parametrize("change", list(REVIEW_CHANGES))
def test_a_marketplace_review_is_gone_everywhere_after_it_is_removed_or_edited(market, change):
    marker = new_marker("review")
    review = _review(market.service, f"Our experience: {marker}")
    urls = market_urls(market.service, marker)
    assert_visible(sightings(marker, market.viewers, urls=urls), f"anonymous: {market.service.url}")

    REVIEW_CHANGES[change](review, market.moderator)

    assert_gone(sightings(marker, market.viewers, urls=urls))


def test_a_providers_reply_goes_with_the_review_a_moderator_removes(market):
    marker = new_marker("reviewreply")
    review = _review(market.service, "Not what we were promised.")
    market_services.review_reply(review=review, user=market.staff, text=f"We are sorry: {marker}")
    urls = market_urls(market.service, marker)
    assert_visible(sightings(marker, market.viewers, urls=urls), f"anonymous: {market.service.url}")

    REVIEW_CHANGES["removed by a moderator"](review, market.moderator)

    assert_gone(sightings(marker, market.viewers, urls=urls))


def test_a_withdrawn_listing_is_gone_everywhere(market):
    marker = new_marker("listing")
    market.publish(name=f"Now {marker}")
    slug = market.service.slug
    urls = market_urls(market.service, marker)
    assert_visible(
        sightings(marker, market.viewers, urls=urls),
        "anonymous: /marketplace/",
        f"anonymous: {market.service.url}",
        f"member: /marketplace/compare/export.csv?s={slug}",
        "member: /marketplace/shortlist/",
    )

    market_services.service_withdraw(service=market.service, user=market.staff)

    assert_gone(sightings(marker, market.viewers, urls=urls))


def test_an_edited_listing_no_longer_shows_what_it_said_before(market):
    marker = new_marker("listing")
    market.publish(description=str(marker))
    urls = market_urls(market.service, marker)
    assert_visible(sightings(marker, market.viewers, urls=urls), f"anonymous: {market.service.url}")

    market.publish(description="Rewritten.")

    assert_gone(sightings(marker, market.viewers, urls=urls))


def test_a_rejected_listing_change_never_reaches_the_public(market):
    marker = new_marker("listing")
    revision = market.submit(summary=str(marker))
    # The change is really there: the moderator deciding on it sees it.
    decide = f"/marketplace/moderation/{revision.pk}/"
    moderator = Viewer("site moderator", market.moderator)
    assert_visible(sightings(marker, [moderator], urls=[decide]), f"site moderator: {decide}")

    market_services.revision_reject(revision=revision, moderator=market.moderator, note="Unclear pricing")

    assert_gone(sightings(marker, market.viewers, urls=market_urls(market.service, marker)))


# --- Profiles ------------------------------------------------------------------------------------


@pytest.fixture
def person(home_page):
    """make(field, text): someone whose `field` says `text`, public, saved and indexed as the form does."""

    def make(field_name: str, text: str, **user_fields):
        user = UserFactory(first_name="Morgan", last_name=f"Price{uuid.uuid4().hex[:6]}", **user_fields)
        values = {"job_title": "Housing officer", "bio": "", "skills": [], "interests": []}
        if field_name == "skills":
            Skill.objects.create(name=text, slug=slugify(text))
            values["skills"] = [text]
        elif field_name == "interests":
            values["interests"] = [text]
        elif field_name != "email":
            values[field_name] = text
        visibility = dict.fromkeys(("email", "job_title", "bio", "skills", "interests"), Visibility.PUBLIC)
        save_profile(user, values, visibility)
        return user, values, visibility

    return make


def save_profile(user, values: dict, visibility: dict):
    return profile_update(
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        organisation=user.organisation,
        job_title=values["job_title"],
        sector="",
        bio=values["bio"],
        skills=values["skills"],
        interests=values["interests"],
        peer_status="",
        peer_areas=[],
        availability="available",
        visibility=visibility,
    )


PROFILE_CASES = [
    ("bio", "made private"),
    ("bio", "changed"),
    ("email", "made private"),
    ("job_title", "made private"),
    ("job_title", "changed"),
    ("skills", "made private"),
    ("interests", "made private"),
    ("interests", "changed"),
]


@pytest.mark.parametrize(("field_name", "change"), PROFILE_CASES)
def test_a_profile_field_made_private_or_changed_is_gone_everywhere(person, field_name, change):
    marker = new_marker(field_name.replace("_", ""))
    if field_name == "email":
        marker = Marker(key=marker.key, secret=f"{marker.secret.lower()}@council.example")
        user, values, visibility = person(field_name, "", email=marker.secret)
    else:
        user, values, visibility = person(field_name, str(marker))
    handle = Profile.objects.get(user=user).handle
    viewers = _viewers()
    urls = [f"/people/{handle}/", "/people/"]
    assert_visible(sightings(marker, viewers, urls=urls), f"anonymous: /people/{handle}/", f"member: /people/{handle}/")

    if change == "made private":
        visibility[field_name] = Visibility.HIDDEN
    elif field_name in ("skills", "interests"):
        values[field_name] = ["Budgeting"]
    else:
        values[field_name] = "Something else entirely"
    save_profile(user, values, visibility)

    assert_gone(sightings(marker, viewers, urls=urls))
