"""A case study's contact is shown as its author's profile privacy settings allow.

The case study names its author as the contact. Their email address (and organisation) is
shown only to the audience they chose on their profile, in the page as rendered for a signed-in
member and in the copy the anonymous page cache keeps, and a change of setting reaches the
cached copy at once.
"""

import pytest

from accounts.factories import UserFactory
from accounts.models import Profile, Visibility
from accounts.services import profile_update
from hub.factories import case_study_create

pytestmark = pytest.mark.django_db

EMAIL = "officer@council.example"


def _visibility(user, **fields):
    Profile.objects.filter(user=user).update(**{f"{field}_visibility": value for field, value in fields.items()})


@pytest.fixture
def case_study(library, housing, officer):
    return case_study_create(title="Tenancy sustainment", service_area=housing, owner=officer)


def test_a_members_only_email_is_never_shown_to_anonymous_visitors_nor_cached(client, case_study, officer):
    _visibility(officer, email=Visibility.MEMBERS)
    first, second = client.get(case_study.url), client.get(case_study.url)
    assert second["X-Library-Cache"] == "hit"
    for response in (first, second):
        html = response.content.decode()
        assert "Priya Shah" in html
        assert EMAIL not in html


def test_a_members_only_email_is_shown_to_signed_in_members(client, case_study, officer):
    _visibility(officer, email=Visibility.MEMBERS)
    client.get(case_study.url)  # an anonymous visit fills the cache first
    client.force_login(UserFactory())
    html = client.get(case_study.url).content.decode()
    assert f'href="mailto:{EMAIL}"' in html


def test_a_hidden_email_is_shown_to_nobody_but_its_owner(client, case_study, officer):
    _visibility(officer, email=Visibility.HIDDEN)
    client.force_login(UserFactory())
    assert EMAIL not in client.get(case_study.url).content.decode()
    client.force_login(officer)
    assert EMAIL in client.get(case_study.url).content.decode()


def test_a_public_email_is_shown_to_everyone(client, case_study, officer):
    _visibility(officer, email=Visibility.PUBLIC)
    assert f'href="mailto:{EMAIL}"' in client.get(case_study.url).content.decode()


def test_a_hidden_organisation_is_left_out_of_the_contact(client, case_study, officer):
    _visibility(officer, email=Visibility.PUBLIC, organisation=Visibility.HIDDEN)
    html = client.get(case_study.url).content.decode()
    assert "Priya Shah<br>" in html
    assert "Priya Shah, Kirklees Council" not in html


def test_making_the_email_members_only_takes_it_out_of_the_cached_page(
    client, case_study, officer, django_capture_on_commit_callbacks
):
    _visibility(officer, email=Visibility.PUBLIC)
    assert EMAIL in client.get(case_study.url).content.decode()
    profile = Profile.objects.get(user=officer)
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(
            user=officer,
            first_name=officer.first_name,
            last_name=officer.last_name,
            organisation=officer.organisation,
            job_title=profile.job_title,
            sector=profile.sector,
            bio=profile.bio,
            skills=[],
            interests=[],
            peer_status="",
            peer_areas=[],
            availability="",
            visibility={"email": Visibility.MEMBERS},
        )
    response = client.get(case_study.url)
    assert response["X-Library-Cache"] == "miss"
    assert EMAIL not in response.content.decode()


def test_the_submission_form_says_which_contact_details_will_be_shown(client, library, officer):
    _visibility(officer, email=Visibility.MEMBERS)
    client.force_login(officer)
    html = client.get("/good-practice/submit/").content.decode()
    assert "You will be named as the contact for this case study" in html
    assert "Your email address: Only people signed in to the Knowledge Hub" in html
    assert 'href="/account/profile/"' in html


def test_a_commenters_email_and_hidden_organisation_are_never_shown_with_their_comment(client, case_study):
    from hub.services import comment_create

    nameless = UserFactory(email="nameless@council.example", first_name="", last_name="")
    _visibility(nameless, email=Visibility.HIDDEN, organisation=Visibility.MEMBERS)
    comment_create(user=nameless, page=case_study, text="We did this too.")
    anonymous = client.get(case_study.url).content.decode()
    assert "We did this too." in anonymous
    assert "nameless@council.example" not in anonymous
    assert str(nameless.organisation) not in anonymous
    client.force_login(UserFactory())
    member = client.get(case_study.url).content.decode()
    assert "nameless@council.example" not in member
    assert f", {nameless.organisation}" in member
