"""What members write, as others read it: inline code shown as typed, mentions linking to people."""

import pytest

from accounts.factories import UserFactory
from accounts.text import render_markdown as render_bio
from communities.rendering import render_markdown
from hub.templatetags.hub_tags import render_user_markdown


@pytest.mark.parametrize("render", [render_user_markdown, render_bio], ids=["hub comment", "profile bio"])
def test_inline_code_shows_the_characters_typed_escaped_once(render):
    html = str(render("Use `<br>` for a line break & `a && b`, never <b>raw</b>."))
    assert "<code>&lt;br&gt;</code>" in html
    assert "<code>a &amp;&amp; b</code>" in html
    assert "&amp;lt;" not in html and "&amp;amp;" not in html
    # Raw HTML is still text, not markup.
    assert "&lt;b&gt;raw&lt;/b&gt;" in html
    assert "<b>" not in html


def test_fenced_and_indented_code_in_a_comment_is_escaped_once():
    html = render_user_markdown('Example:\n\n    <p class="x">&copy;</p>\n')
    assert '&lt;p class="x"&gt;&amp;copy;&lt;/p&gt;' in html


def test_a_mention_links_to_the_profile_of_the_person_mentioned():
    html = render_markdown(
        "Thanks @priya-shah, see @nobody",
        mentions={"priya-shah": ("Priya Shah", "/people/priya-shah/")},
    )
    assert '<a href="/people/priya-shah/"' in html
    assert "<strong>@Priya Shah</strong></a>" in html
    assert "@nobody" in html and "/people/nobody/" not in html


def test_a_mention_of_someone_without_a_profile_page_is_bold_without_a_link():
    html = render_markdown("Thanks @sam-lee", mentions={"sam-lee": ("Sam Lee", "")})
    assert "<strong>@Sam Lee</strong>" in html
    assert "<a " not in html


@pytest.mark.django_db
def test_a_reply_mentioning_a_member_links_to_their_profile_and_never_shows_their_email(make_community):
    from accounts.models import Profile
    from communities.factories import MembershipFactory, ThreadFactory
    from communities.services import reply_create

    community = make_community()
    author = UserFactory(first_name="Ann", last_name="Author")
    named = UserFactory(first_name="Priya", last_name="Shah")
    for person in (author, named):
        MembershipFactory(community=community, user=person)
    Profile.objects.update_or_create(user=named, defaults={"handle": "priya-s"})
    thread = ThreadFactory(community=community, author=author)
    reply = reply_create(thread=thread, author=author, body="Over to @priya-shah")
    assert '<a href="/people/priya-s/"' in reply.body_html
    assert "<strong>@Priya Shah</strong>" in reply.body_html
    assert named.email not in reply.body_html
