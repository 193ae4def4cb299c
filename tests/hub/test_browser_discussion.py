"""Discussion in a real browser: post, reply, report, moderate; hostile input stays inert."""

import pytest

from accounts.factories import CouncilFactory, UserFactory
from hub.factories import CommentFactory, UsefulVoteFactory, case_study_create

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"
HOSTILE = '<script>window.__pwned = 1</script> <img src="x" onerror="window.__pwned = 2"> Thanks, **very** useful.'


def new_tab(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort(),
    )
    return context.new_page()


def sign_in(tab, email: str) -> None:
    tab.goto("/accounts/login/")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("link", name="Your account").wait_for()


@pytest.fixture
def case_study(library, housing, officer):
    page = case_study_create(
        title="Tenancy sustainment for private renters",
        service_area=housing,
        owner=officer,
        organisations=[officer.organisation],
        tags=["prevention"],
    )
    UsefulVoteFactory(page=page)
    return page


def test_post_reply_report_and_moderator_removal(page, browser, live_server, case_study, moderator, axe):
    alice = UserFactory(email="alice@leeds.example", first_name="Alice", last_name="Jones")
    bob = UserFactory(email="bob@york.example", first_name="Bob", last_name="Hale")

    sign_in(page, alice.email)
    page.goto(case_study.url)
    page.get_by_label("Add a comment").fill(HOSTILE)
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator(".kh-comment").first
    comment.get_by_text("Thanks, very useful.").wait_for()
    assert comment.locator("strong", has_text="very").count() == 1  # markdown still works
    assert page.evaluate("window.__pwned") is None
    assert comment.locator("script, img").count() == 0
    assert "<script>" in comment.inner_text()  # shown as the text that was typed

    bob_tab = new_tab(browser, live_server)
    sign_in(bob_tab, bob.email)
    bob_tab.goto(case_study.url)
    bob_tab.get_by_role("link", name="Reply to Alice Jones").click()
    axe(bob_tab, "reply form")
    bob_tab.get_by_role("button", name="Post reply").click()
    bob_tab.get_by_role("link", name="Enter your comment").wait_for()
    axe(bob_tab, "reply form with an error")
    bob_tab.get_by_label("Your comment").fill("We found the same. Happy to share our evaluation.")
    bob_tab.get_by_role("button", name="Post reply").click()
    reply = bob_tab.locator(".kh-comment-replies .kh-comment").first
    reply.get_by_text("Happy to share our evaluation").wait_for()
    bob_tab.get_by_role("link", name="Report comment by Alice Jones").click()
    bob_tab.get_by_role("button", name="Report comment").wait_for()  # the confirmation has loaded
    axe(bob_tab, "report confirmation")
    bob_tab.get_by_role("button", name="Report comment").click()
    bob_tab.get_by_text("A moderator will look at the comment").wait_for()
    bob_tab.get_by_text("You reported this comment").wait_for()
    axe(bob_tab, "case study with comments")
    bob_tab.context.close()

    moderator_tab = new_tab(browser, live_server)
    sign_in(moderator_tab, moderator.email)
    moderator_tab.goto("/good-practice/comments/moderation/")
    moderator_tab.get_by_text("reported 1 time").wait_for()
    axe(moderator_tab, "moderation queue")
    moderator_tab.get_by_role("button", name="Remove comment by Alice Jones").click()
    moderator_tab.get_by_label("Reason for removal").fill("Please keep HTML out of comments.")
    axe(moderator_tab, "removal confirmation")
    moderator_tab.get_by_role("button", name="Remove comment").click()
    moderator_tab.get_by_text("There are no reported comments waiting").wait_for()
    moderator_tab.context.close()

    page.reload()
    page.get_by_text("This comment was removed by a moderator.").wait_for()
    page.get_by_text("Happy to share our evaluation").wait_for()  # the reply keeps its place
    assert page.get_by_text("Thanks, very useful.").count() == 0


def test_library_with_filters_and_a_busy_case_study_pass_axe(page, library, housing, waste, case_study, axe):
    devon = CouncilFactory(name="Devon County Council", slug="devon", tier="county")
    case_study_create(title="Weekly food waste", service_area=waste, organisations=[devon], tags=["recycling"])
    for number in range(4):
        top = CommentFactory(content_object=case_study, comment=f"Comment number {number}")
        CommentFactory(content_object=case_study, parent_id=top.pk, comment="A reply")
    page.goto("/good-practice/?service_area=housing&tier=unitary&q=tenancy")
    page.get_by_role("link", name=case_study.title).wait_for()
    assert page.get_by_label("Service area").input_value() == "housing"
    axe(page, "library with filters chosen")
    page.goto("/good-practice/?q=zeppelin")
    page.get_by_text("No case studies match").wait_for()
    axe(page, "library with no results")
    page.goto("/good-practice/tags/prevention/")
    axe(page, "tag page")
    page.goto(case_study.url)
    page.get_by_text("Comment number 3").wait_for()
    axe(page, "case study with comments, anonymous")


def test_inline_code_in_a_comment_shows_the_characters_typed(page, case_study, axe):
    """Issue 16 point 7: `<br>` in backticks shows as <br> in code, escaped once, not &lt;br&gt;."""
    alice = UserFactory(email="alice@leeds.example", first_name="Alice", last_name="Jones")
    sign_in(page, alice.email)
    page.goto(case_study.url)
    page.get_by_label("Add a comment").fill("Our letters used `<br>` tags, and `a & b` in the template.")
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator(".kh-comment", has_text="Our letters used").first
    comment.wait_for()
    assert comment.locator("code").all_inner_texts() == ["<br>", "a & b"]
    assert "&lt;" not in comment.inner_text() and "&amp;" not in comment.inner_text()
    axe(page, "case study with a comment containing code")
