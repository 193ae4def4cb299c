"""In a browser, with axe on every page touched (issue 16 points 5, 9 and 16).

A post hidden while a moderator looks into it stays in the queue until someone decides; a
profile's Communities row names and links only the communities the viewer may see; a
facilitator makes an open community's library members only, and a visitor is then refused it.
"""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.factories import UserFactory
from accounts.models import Profile
from communities import services
from communities.factories import MembershipFactory, ReplyFactory, ThreadFactory
from communities.models import Access, PostState, Role

pytestmark = [pytest.mark.browser]


def sign_in(tab, base_url: str, user) -> None:
    """Give the tab a session for `user` (the sign-in form has its own browser tests)."""
    client = Client()
    client.force_login(user)
    tab.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMMUNITIES_PRIVATE_ROOT = tmp_path


def test_a_hidden_reply_waits_in_the_queue_until_the_moderator_shows_it_again(page, live_server, axe, make_community):
    community = make_community(Access.RESTRICTED, title="Housing officers")
    moderator = UserFactory(first_name="Mo", last_name="Khan")
    author, reporter = UserFactory(first_name="Bob", last_name="Hale"), UserFactory()
    MembershipFactory(community=community, user=moderator, role=Role.MODERATOR)
    for person in (author, reporter):
        MembershipFactory(community=community, user=person)
    thread = ThreadFactory(community=community, title="Rent arrears letters")
    reply = ReplyFactory(thread=thread, author=author, body="Our letter template cut arrears by a fifth.")
    services.report_create(reporter=reporter, thread=thread, reply=reply, reason="Looks like advertising")

    sign_in(page, live_server.url, moderator)
    page.goto(f"/communities/{community.slug}/moderation/")
    axe(page, "moderation queue with a report")
    page.get_by_role("link", name="Deal with").first.click()
    page.get_by_label("Hide it while you look into it").check()
    axe(page, "deal with a report")
    page.get_by_role("button", name="Confirm").click()

    # Hiding closed the report, but the reply is still waiting for a decision.
    page.get_by_role("heading", name="Hidden while you look into them").wait_for()
    assert "cut arrears by a fifth" in page.locator("main").inner_text()
    axe(page, "moderation queue with a hidden reply")
    page.get_by_role("link", name="Decide about hidden reply 1").click()
    page.get_by_role("heading", name="Decide about a hidden reply").wait_for()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Select whether to show it again or remove it").wait_for()
    axe(page, "hidden reply decision with an error")
    page.get_by_label("Show it again").check()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("There are no reports waiting").wait_for()
    assert page.get_by_role("heading", name="Hidden while you look into them").count() == 0
    reply.refresh_from_db()
    assert reply.state == PostState.VISIBLE

    page.goto(thread.get_absolute_url())
    page.locator(".kh-reply", has_text="cut arrears by a fifth").wait_for()


def test_a_profile_names_and_links_only_the_communities_the_viewer_may_see(page, live_server, axe, make_community):
    dana = UserFactory(first_name="Dana", last_name="Reeve")
    Profile.objects.update_or_create(user=dana, defaults={"handle": "dana-reeve"})
    shown = make_community(Access.OPEN, title="Digital inclusion", slug="digital-inclusion")
    private = make_community(Access.PRIVATE, title="Chief executives", slug="chief-executives")
    for community in (shown, private):
        MembershipFactory(community=community, user=dana)

    page.goto("/people/dana-reeve/")
    row = page.locator(".govuk-summary-list__row", has=page.get_by_text("Communities", exact=True))
    row.get_by_role("link", name="Digital inclusion").wait_for()
    assert "Chief executives" not in row.inner_text() and "digital-inclusion" not in row.inner_text()
    axe(page, "profile, signed out")

    # A fellow member of the private community sees it too, linked.
    colleague = UserFactory()
    MembershipFactory(community=private, user=colleague)
    sign_in(page, live_server.url, colleague)
    page.reload()
    row.get_by_role("link", name="Chief executives").wait_for()
    row.get_by_role("link", name="Chief executives").click()
    page.wait_for_url(f"**{private.url}")
    axe(page, "private community, signed in as a member")


def test_a_facilitator_makes_the_library_members_only_and_visitors_lose_it(
    page, browser, live_server, axe, make_community
):
    community = make_community(Access.OPEN, title="Digital inclusion", slug="digital-inclusion")
    facilitator, member = UserFactory(), UserFactory()
    MembershipFactory(community=community, user=facilitator, role=Role.FACILITATOR)
    MembershipFactory(community=community, user=member)
    document = services.library_file_add(
        community=community,
        actor=member,
        title="Broadband take-up survey",
        upload=SimpleUploadedFile("survey.csv", b"ward,households\nCentral,1200\n"),
    )
    download = f"/communities/{community.slug}/library/{document.pk}/download/"

    visitor = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    try:
        visitor.goto(f"/communities/{community.slug}/library/")
        visitor.get_by_role("link", name="Broadband take-up survey").wait_for()
        axe(visitor, "open library, signed out")

        sign_in(page, live_server.url, facilitator)
        page.goto(f"/communities/{community.slug}/settings/")
        page.get_by_text("Anyone can download its files, without signing in").wait_for()
        axe(page, "community settings")
        page.get_by_label("Members only").check()
        page.get_by_role("button", name="Save settings").click()
        page.get_by_text("its library is for members only").wait_for()
        axe(page, "community settings, library for members only")

        for url in (f"/communities/{community.slug}/library/", download):
            assert visitor.goto(url).status == 404
        axe(visitor, "library refused to a visitor")
        visitor.goto(community.url)
        assert visitor.locator(f'a[href$="/communities/{community.slug}/library/"]').count() == 0
    finally:
        visitor.context.close()


def test_a_mention_in_a_reply_links_to_the_profile_of_the_person_mentioned(page, live_server, axe, make_community):
    """Issue 16 point 7: a mention is the person's name, linked to their profile."""
    community = make_community(Access.OPEN, title="Digital inclusion", slug="digital-inclusion")
    dana, writer = UserFactory(first_name="Dana", last_name="Reeve"), UserFactory()
    Profile.objects.update_or_create(user=dana, defaults={"handle": "dana-reeve"})
    for person in (dana, writer):
        MembershipFactory(community=community, user=person)
    thread = ThreadFactory(community=community, title="Device lending schemes")

    sign_in(page, live_server.url, writer)
    page.goto(thread.get_absolute_url())
    page.fill("#id_body", "@dana-reeve ran the library loan scheme in Leeds.")
    page.click("button:has-text('Post reply')")
    reply = page.locator(".kh-reply", has_text="ran the library loan scheme")
    reply.wait_for()
    mention = reply.get_by_role("link", name="@Dana Reeve")
    assert mention.get_attribute("href") == "/people/dana-reeve/"
    axe(page, "thread with a mention")
    mention.click()
    page.get_by_role("heading", name="Dana Reeve").wait_for()
