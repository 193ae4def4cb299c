import pytest

from django.contrib.auth.models import Group

from accounts.factories import UserFactory
from accounts.roles import MODERATORS_GROUP, SITE_EDITORS_GROUP, Role, is_site_moderator
from accounts.services import user_create, user_set_role


@pytest.mark.django_db
def test_a_new_person_is_a_member_with_a_profile_and_an_unverified_email(home_page):
    user = user_create(email="Sam.Jones@Example.org", password="a-long-passphrase", job_title="Policy officer")
    assert user.email == "sam.jones@example.org"
    assert user.role == Role.MEMBER
    assert user.profile.job_title == "Policy officer"
    assert not user.emailaddress_set.get().verified


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "group", "superuser"),
    [
        (Role.MODERATOR, MODERATORS_GROUP, False),
        (Role.SITE_EDITOR, SITE_EDITORS_GROUP, False),
        (Role.ADMINISTRATOR, None, True),
        (Role.MEMBER, None, False),
    ],
)
def test_each_role_is_carried_by_exactly_one_group_or_by_superuser(home_page, role, group, superuser):
    user = UserFactory()
    user_set_role(user=user, role=Role.MODERATOR)
    user_set_role(user=user, role=role)
    user.refresh_from_db()
    assert user.role == role
    assert list(user.groups.values_list("name", flat=True)) == ([group] if group else [])
    assert user.is_superuser is superuser


@pytest.mark.django_db
def test_site_editors_can_use_the_wagtail_admin_and_publish_pages(home_page):
    editor = UserFactory()
    user_set_role(user=editor, role=Role.SITE_EDITOR)
    editor = type(editor).objects.get(pk=editor.pk)
    assert editor.has_perm("wagtailadmin.access_admin")
    assert home_page.permissions_for_user(editor).can_publish()
    member = UserFactory()
    assert not member.has_perm("wagtailadmin.access_admin")


@pytest.mark.django_db
def test_only_moderators_and_administrators_moderate_site_wide(home_page):
    moderator, editor, member, admin = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    user_set_role(user=moderator, role=Role.MODERATOR)
    user_set_role(user=editor, role=Role.SITE_EDITOR)
    user_set_role(user=admin, role=Role.ADMINISTRATOR)
    assert is_site_moderator(moderator)
    assert is_site_moderator(admin)
    assert not is_site_moderator(editor)
    assert not is_site_moderator(member)
    assert Group.objects.filter(name__in=[MODERATORS_GROUP, SITE_EDITORS_GROUP]).count() == 2


@pytest.mark.django_db
def test_sign_up_records_organisation_and_job_title(client, home_page):
    from accounts.factories import CouncilFactory

    council = CouncilFactory(name="Kent")
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Jo",
            "last_name": "Patel",
            "email": "jo.patel@kent.example",
            "organisation": council.pk,
            "job_title": "Scrutiny officer",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    from accounts.models import User

    user = User.objects.get(email="jo.patel@kent.example")
    assert (user.first_name, user.organisation, user.profile.job_title) == ("Jo", council, "Scrutiny officer")
