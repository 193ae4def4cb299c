"""Discussion: comments, replies, safe rendering, flags, moderation and useful votes."""

from html.parser import HTMLParser

import pytest
from django_comments.models import CommentFlag
from django_comments_xtd.models import XtdComment

from django.core import mail

from accounts.factories import UserFactory
from hub.factories import CommentFactory, case_study_create
from hub.models import UsefulVote
from hub.templatetags.hub_tags import render_user_markdown


@pytest.fixture
def case_study(library, housing, officer):
    return case_study_create(title="Tenancy sustainment", service_area=housing, owner=officer)


@pytest.mark.django_db
def test_signed_in_user_posts_a_comment_and_a_reply(client, case_study):
    alice, bob = UserFactory(first_name="Alice", last_name="Jones"), UserFactory(first_name="Bob", last_name="Hale")
    client.force_login(alice)
    response = client.post(f"/good-practice/comments/on/{case_study.pk}/", {"comment": "How did you fund it?"})
    comment = XtdComment.objects.get()
    assert response["Location"] == f"{case_study.url}#c{comment.pk}"
    client.force_login(bob)
    client.post(f"/good-practice/comments/{comment.pk}/reply/", {"comment": "From the prevention grant."})
    reply = XtdComment.objects.exclude(pk=comment.pk).get()
    assert (reply.parent_id, reply.thread_id, reply.level) == (comment.pk, comment.pk, 1)
    html = client.get(case_study.url).content.decode()
    assert "Discussion (2)" in html
    thread = html.split(f'id="c{comment.pk}"', 1)[1]
    assert "How did you fund it?" in thread and f'id="c{reply.pk}"' in thread


@pytest.mark.django_db
def test_replies_stop_at_the_maximum_depth(client, case_study, settings):
    parent = CommentFactory(content_object=case_study)
    for _ in range(settings.COMMENTS_XTD_MAX_THREAD_LEVEL):
        parent = CommentFactory(content_object=case_study, parent_id=parent.pk)
    client.force_login(UserFactory())
    html = client.get(case_study.url).content.decode()
    assert f"/good-practice/comments/{parent.pk}/reply/" not in html
    response = client.post(f"/good-practice/comments/{parent.pk}/reply/", {"comment": "Too deep"})
    assert "cannot be nested any deeper" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_cannot_comment(client, case_study):
    response = client.post(f"/good-practice/comments/on/{case_study.pk}/", {"comment": "Spam"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not XtdComment.objects.exists()
    html = client.get(case_study.url).content.decode()
    assert "Sign in</a> to mark this case study as useful or to join the discussion" in html
    assert 'name="comment"' not in html


@pytest.mark.django_db
def test_an_empty_comment_re_renders_with_the_error(client, case_study):
    client.force_login(UserFactory())
    response = client.post(f"/good-practice/comments/on/{case_study.pk}/", {"comment": "  "})
    html = response.content.decode()
    assert "Enter your comment" in html and "There is a problem" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">hi</a>',
    ],
)
def test_html_and_script_in_comments_render_inert(client, case_study, text):
    CommentFactory(content_object=case_study, comment=text)
    html = client.get(case_study.url).content.decode()
    section = html.split('id="comments-heading"', 1)[1].split("</section>", 1)[0]
    elements = Elements()
    elements.feed(section)
    assert not {"script", "img"} & {tag for tag, _ in elements.seen}
    for _tag, attrs in elements.seen:
        assert not [name for name, _ in attrs if name.startswith("on")]
        assert not [value for name, value in attrs if name == "href" and value and value.startswith("javascript")]
    # What the person typed is still there to read, as text.
    assert "alert(" in elements.text or "click" in elements.text


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen, self.text = [], ""

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))

    def handle_data(self, data):
        self.text += data


def test_markdown_in_comments_keeps_simple_formatting_and_links():
    html = render_user_markdown("**Bold** and [a link](https://example.org)\n\n<b>not html</b>")
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener noreferrer">a link</a>' in html
    assert "&lt;b&gt;not html&lt;/b&gt;" in html


@pytest.mark.django_db
def test_flag_then_moderator_removes_with_a_reason_and_the_author_is_told(
    client, django_capture_on_commit_callbacks, case_study, moderator
):
    author = UserFactory(email="author@council.example")
    comment = CommentFactory(content_object=case_study, user=author, comment="Buy cheap watches")
    reporter = UserFactory()
    client.force_login(reporter)
    assert "Report this comment" in client.get(f"/good-practice/comments/{comment.pk}/flag/").content.decode()
    client.post(f"/good-practice/comments/{comment.pk}/flag/")
    client.post(f"/good-practice/comments/{comment.pk}/flag/")  # twice counts once
    assert CommentFlag.objects.filter(comment=comment, flag=CommentFlag.SUGGEST_REMOVAL).count() == 1
    assert client.get("/good-practice/comments/moderation/").status_code == 403

    client.force_login(moderator)
    queue = client.get("/good-practice/comments/moderation/").content.decode()
    assert "Buy cheap watches" in queue and "reported 1 time" in queue
    response = client.post(f"/good-practice/comments/{comment.pk}/remove/", {"reason": ""})
    assert "Enter a reason for removing the comment" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/good-practice/comments/{comment.pk}/remove/", {"reason": "Advertising is not allowed."})
    comment.refresh_from_db()
    assert comment.is_removed and comment.removal.reason == "Advertising is not allowed."
    assert [m.to for m in mail.outbox] == [["author@council.example"]]
    assert "Advertising is not allowed." in mail.outbox[0].body
    assert "Buy cheap watches" not in client.get("/good-practice/comments/moderation/").content.decode()
    html = client.get(case_study.url).content.decode()
    assert "Buy cheap watches" not in html and "removed by a moderator" in html
    assert "Discussion (0)" in html


@pytest.mark.django_db
def test_moderator_can_keep_a_flagged_comment(client, case_study, moderator):
    comment = CommentFactory(content_object=case_study, comment="A fair point, strongly made")
    client.force_login(UserFactory())
    client.post(f"/good-practice/comments/{comment.pk}/flag/")
    client.force_login(moderator)
    client.post(f"/good-practice/comments/{comment.pk}/keep/")
    assert "A fair point" not in client.get("/good-practice/comments/moderation/").content.decode()
    assert "A fair point" in client.get(case_study.url).content.decode()


@pytest.mark.django_db
def test_useful_vote_is_one_per_user_and_toggles(client, case_study):
    reader = UserFactory()
    client.force_login(reader)
    client.post(f"/good-practice/useful/{case_study.pk}/")
    assert UsefulVote.objects.filter(page=case_study).count() == 1
    html = client.get(case_study.url).content.decode()
    assert "1 person found this useful" in html and "Remove my “useful” vote" in html
    client.post(f"/good-practice/useful/{case_study.pk}/")
    assert UsefulVote.objects.filter(page=case_study).count() == 0
    assert client.get(f"/good-practice/useful/{case_study.pk}/").status_code == 405


@pytest.mark.django_db
def test_comments_and_votes_are_only_possible_on_published_case_studies(client, library, housing, officer):
    draft = case_study_create(title="Draft", service_area=housing, owner=officer, live=False)
    client.force_login(UserFactory())
    assert client.post(f"/good-practice/comments/on/{draft.pk}/", {"comment": "hi"}).status_code == 404
    assert client.post(f"/good-practice/useful/{draft.pk}/").status_code == 404
