"""Membership of an organisation is verified, not self-declared (issue 16, point 2)."""

import re

import pytest

from django.core import mail

from accounts.factories import CouncilFactory, UserFactory
from accounts.models import MembershipStatus, OrganisationMembership, User
from accounts.selectors import verified_organisation
from accounts.services import membership_grant, organisation_domain_add
from marketplace.factories import ServiceFactory
from marketplace.services import user_may_review

PASSPHRASE = "a-long-and-unusual-passphrase"


@pytest.fixture
def leeds(db):
    council = CouncilFactory(name="Leeds", slug="leeds")
    organisation_domain_add(organisation=council, domain="leeds.example")
    return council


def sign_up(client, email: str, organisation=None):
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "New",
            "last_name": "User",
            "email": email,
            "organisation": organisation.pk if organisation else "",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email=email)


def confirm_email(client, user) -> None:
    message = next(m for m in reversed(mail.outbox) if user.email in m.to)
    url = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    path = url.split("testserver", 1)[1]
    assert client.post(path).status_code == 302


def test_signing_up_with_an_address_on_a_council_domain_joins_it_once_the_email_is_confirmed(client, leeds):
    user = sign_up(client, "newuser@leeds.example")
    assert verified_organisation(User.objects.get(pk=user.pk)) is None  # not before confirming

    confirm_email(client, user)

    user = User.objects.get(pk=user.pk)
    assert user.organisation == leeds
    assert verified_organisation(user) == leeds
    page = client.get("/account/").content.decode()
    assert "Verified member" in page


def test_other_addresses_wait_for_the_organisations_administrators_who_are_told(
    client, leeds, django_capture_on_commit_callbacks
):
    admin = UserFactory(organisation=leeds, email="admin@leeds.example")
    membership_grant(user=admin, organisation=leeds, is_admin=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(client, "someone@gmail.example", organisation=leeds)
    confirm_email(client, user)

    user = User.objects.get(pk=user.pk)
    assert user.organisation == leeds
    assert verified_organisation(user) is None
    assert OrganisationMembership.objects.get(user=user).status == MembershipStatus.PENDING
    to_admin = [m for m in mail.outbox if m.to == ["admin@leeds.example"]]
    assert len(to_admin) == 1
    assert "someone@gmail.example" in to_admin[0].body
    assert "/account/organisation-requests/" in to_admin[0].body
    assert "Waiting for approval" in client.get("/account/").content.decode()


def test_an_organisation_administrator_approves_a_request_and_the_person_is_told(
    client, leeds, django_capture_on_commit_callbacks
):
    admin = UserFactory(organisation=leeds)
    membership_grant(user=admin, organisation=leeds, is_admin=True)
    asking = UserFactory(organisation=leeds, membership="pending", email="asking@gmail.example")
    request = OrganisationMembership.objects.get(user=asking)
    client.force_login(admin)
    page = client.get("/account/organisation-requests/").content.decode()
    assert "asking@gmail.example" in page
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/organisation-requests/", {"membership": request.pk, "decision": "approve"})

    assert response.status_code == 302
    assert verified_organisation(User.objects.get(pk=asking.pk)) == leeds
    assert mail.outbox[-1].to == ["asking@gmail.example"]
    assert mail.outbox[-1].subject == "You are now a verified member of Leeds"
    assert "asking@gmail.example" not in client.get("/account/organisation-requests/").content.decode()


def test_a_refused_request_stays_refused_and_the_person_is_told(client, leeds, django_capture_on_commit_callbacks):
    admin = UserFactory(organisation=leeds)
    membership_grant(user=admin, organisation=leeds, is_admin=True)
    asking = UserFactory(organisation=leeds, membership="pending")
    client.force_login(admin)
    request = OrganisationMembership.objects.get(user=asking)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/organisation-requests/", {"membership": request.pk, "decision": "refuse"})
    request.refresh_from_db()
    assert request.status == MembershipStatus.REFUSED
    assert "was not approved" in mail.outbox[-1].subject


def test_only_that_organisations_administrators_or_a_site_administrator_may_decide(client, leeds):
    other = CouncilFactory(name="Bradford")
    other_admin = UserFactory(organisation=other)
    membership_grant(user=other_admin, organisation=other, is_admin=True)
    asking = UserFactory(organisation=leeds, membership="pending")
    request = OrganisationMembership.objects.get(user=asking)

    client.force_login(other_admin)
    client.post("/account/organisation-requests/", {"membership": request.pk, "decision": "approve"})
    request.refresh_from_db()
    assert request.status == MembershipStatus.PENDING

    client.force_login(UserFactory(organisation=leeds))  # a plain verified member
    assert client.get("/account/organisation-requests/").status_code == 403

    site_admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(site_admin)
    client.post("/account/organisation-requests/", {"membership": request.pk, "decision": "approve"})
    request.refresh_from_db()
    assert request.status == MembershipStatus.VERIFIED


def test_changing_organisation_on_the_profile_asks_again(client, leeds):
    person = UserFactory(email="moving@gmail.example")
    assert verified_organisation(person) == person.organisation
    client.force_login(person)
    data = {
        "first_name": "Mo",
        "last_name": "Ving",
        "organisation": leeds.pk,
        "availability": "available",
        **{
            f"{f}_visibility": "public"
            for f in ("email", "job_title", "organisation", "sector", "bio", "skills", "interests")
        },
    }
    assert client.post("/account/profile/", data).status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.organisation == leeds
    assert verified_organisation(person) is None


def test_unverified_members_cannot_review_and_the_service_page_says_why(client, leeds):
    service = ServiceFactory()
    pending = UserFactory(organisation=leeds, membership="pending")
    assert not user_may_review(pending)
    client.force_login(pending)
    page = client.get(f"/marketplace/services/{service.slug}/")
    assert "Only verified members of councils" in page.content.decode()

    verified = UserFactory(organisation=leeds)
    assert user_may_review(verified)


def test_sign_up_errors_say_what_to_enter(client, db):
    page = client.post("/accounts/signup/", {"email": "not-an-address"}).content.decode()
    assert "This field is required" not in page
    for message in ["Enter your first name", "Enter your last name", "Enter a password", "Enter the password again"]:
        assert message in page
    assert "Enter an email address in the correct format, like name@example.com" in page
