"""Profiles: handles, the skills vocabulary, privacy checks and the demo people."""

import pytest

from django.contrib.auth.models import AnonymousUser

from accounts.factories import UserFactory
from accounts.models import Profile, Visibility
from accounts.services import profile_handle_ensure, profile_handle_for, skill_vocabulary_ensure

pytestmark = pytest.mark.django_db


def test_handles_come_from_names_and_never_collide_or_take_reserved_paths():
    first = UserFactory(first_name="Sam", last_name="Lee")
    second = UserFactory(first_name="Sam", last_name="Lee")
    assert profile_handle_ensure(profile=first.profile) == "sam-lee"
    assert profile_handle_ensure(profile=second.profile) == "sam-lee-2"
    me = UserFactory(first_name="Me", last_name="")
    assert profile_handle_for(user=me) == "me-2"


def test_the_skills_vocabulary_is_created_once_with_synonyms():
    skills = {skill.name: skill for skill in skill_vocabulary_ensure()}
    assert "SEND" in skills["Special educational needs"].synonym_list
    assert len(skill_vocabulary_ensure()) == len(skills)


def test_each_field_is_visible_only_to_its_audience():
    profile = UserFactory().profile
    profile.bio_visibility = Visibility.MEMBERS
    profile.email_visibility = Visibility.HIDDEN
    member = UserFactory()
    assert profile.can_see("job_title", AnonymousUser())
    assert not profile.can_see("bio", AnonymousUser())
    assert profile.can_see("bio", member)
    assert not profile.can_see("email", member)
    assert profile.can_see("email", profile.user)  # people always see their own details


def test_demo_people_are_varied_idempotent_and_indexed(home_page):
    from accounts import demo
    from accounts.services import councils_load_from_ons
    from search import demo as search_demo
    from search.models import PersonEntry

    councils_load_from_ons()
    for name, kind in demo.OTHER_ORGANISATIONS:
        demo.organisation_get_or_create(name=name, kind=kind)
    demo._people(60, lambda message: None)
    demo._people(60, lambda message: None)
    profiles = Profile.objects.filter(user__email__endswith=".example")
    assert profiles.count() == 60
    assert profiles.exclude(bio="").count() == 60
    assert profiles.filter(handle=None).count() == 0
    assert profiles.values("availability").distinct().count() == 3
    search_demo.seed(options={}, log=lambda message: None)
    assert PersonEntry.objects.count() == Profile.objects.count()
