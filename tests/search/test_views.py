"""The expert finder, profiles, the profile form and site search, as people use them."""

import pytest

from accounts.factories import UserFactory
from accounts.models import Profile, Visibility
from search.models import PersonEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(home_page):
    return home_page


def test_the_finder_lists_people_with_facets_and_explanations(client, site, cast):
    response = client.get("/people/", {"q": "finance"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amelia Hartley" in html
    assert "accredited finance officer peer · 12 good practice contributions" in html
    assert 'name="sector" type="checkbox" value="local_government"' in html


def test_finder_urls_with_filters_can_be_shared(client, site, cast):
    response = client.get("/people/?sector=local_government&peer=accredited")
    html = response.content.decode()
    assert "1 person" in html
    assert "Amelia Hartley" in html and "Harriet Harwood" not in html
    assert "Remove filter peer status: Accredited peer" in html


def test_no_results_suggest_a_skill_spelt_like_the_query(client, site, cast):
    response = client.get("/people/", {"q": "safegaurding"})
    html = response.content.decode()
    assert "No people match your search." in html
    assert "Safeguarding" in html


def test_a_profile_shows_each_field_only_to_its_audience(client, site, cast):
    profile = cast["private"]
    anonymous = client.get(f"/people/{profile.handle}/").content.decode()
    assert "Dev Malhotra" in anonymous
    assert "Epidemiology Lead" not in anonymous  # members only
    assert "zebrafish" not in anonymous  # hidden
    assert "Procurement" not in anonymous  # hidden
    assert profile.user.email not in anonymous  # hidden by default
    client.force_login(UserFactory())
    member = client.get(f"/people/{profile.handle}/").content.decode()
    assert "Epidemiology Lead" in member
    assert "zebrafish" not in member and "Procurement" not in member


def test_a_profile_offers_people_like_this_person(client, site, cast):
    html = client.get(f"/people/{cast['peer'].handle}/").content.decode()
    assert "People like Amelia" in html
    assert "Harriet Harwood" in html


def test_an_unknown_handle_is_not_found(client, site, db):
    assert client.get("/people/nobody-here/").status_code == 404


def test_profile_bio_markdown_is_rendered_safely(client, site, cast):
    profile = cast["bio_mention"]
    profile.bio = "**Bold** <script>alert(1)</script>"
    profile.save()
    html = client.get(f"/people/{profile.handle}/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html


def _form_data(**overrides):
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "job_title": "Housing Officer",
        "organisation": "",
        "sector": "local_government",
        "bio": "I know **temporary accommodation**.",
        "skills": ["Temporary accommodation"],
        "interests": "housing, data",
        "peer_status": "",
        "availability": "available",
        "email_visibility": "members",
        "job_title_visibility": "public",
        "organisation_visibility": "public",
        "sector_visibility": "public",
        "bio_visibility": "hidden",
        "skills_visibility": "public",
        "interests_visibility": "public",
    }
    data.update(overrides)
    return data


def test_people_edit_their_profile_and_search_sees_it_after_commit(client, site, django_capture_on_commit_callbacks):
    from accounts.services import skill_vocabulary_ensure

    skill_vocabulary_ensure()
    user = UserFactory(first_name="P", last_name="S")
    client.force_login(user)
    assert client.get("/account/profile/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/account/profile/", _form_data())
    assert len(callbacks) == 1
    profile = Profile.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == f"/people/{profile.handle}/"
    assert profile.bio_visibility == Visibility.HIDDEN
    entry = PersonEntry.objects.get(pk=profile.pk)
    assert "Temporary accommodation" in entry.skills_pub
    assert "temporary" not in (entry.body_pub + entry.body_mem).lower()  # hidden bio


def test_an_invalid_profile_form_shows_the_errors_and_keeps_what_was_typed(client, site):
    client.force_login(UserFactory())
    response = client.post(
        "/account/profile/",
        _form_data(first_name="", peer_areas=["finance"], job_title="Kept title"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "govuk-error-message" in html
    assert "Kept title" in html


def test_the_profile_form_needs_a_signed_in_person(client, site):
    response = client.get("/account/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
