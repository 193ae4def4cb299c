"""A feature plugs into the shared pages by registering with home.extensions, as a new app would,
without any edit to accounts/ or home/. The probe feature here exists only in this test."""

from pathlib import Path

import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings

from wagtail import hooks

from accounts.factories import UserFactory
from accounts.roles import MODERATORS_GROUP
from home import extensions
from home.management.commands.seed_demo import Command as SeedDemo
from tests.home.plugin_probe import demo as probe_demo

PROBE_DIR = Path(__file__).parent / "plugin_probe"


@pytest.fixture
def probe_templates(settings):
    """Let the probe's panel template be found, as a new app's templates/ would be."""
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], PROBE_DIR.parent]}
    with override_settings(TEMPLATES=[engine, *settings.TEMPLATES[1:]]):
        yield


def probe_panel(request):
    return extensions.Panel(template="plugin_probe/panel.html", context={"probe_name": request.user}, order=1)


@pytest.mark.django_db
def test_a_new_feature_adds_a_home_panel_a_navigation_entry_and_a_header_link(client, home_page, probe_templates):
    user = UserFactory(first_name="Ada", last_name="Probe")
    client.force_login(user)
    with (
        hooks.register_temporarily(extensions.HOME_PANELS, probe_panel),
        hooks.register_temporarily(
            extensions.NAVIGATION_ITEMS, lambda: extensions.Link(label="Probe data", url="/probe/", order=35)
        ),
        hooks.register_temporarily(
            extensions.HEADER_LINKS,
            lambda request: extensions.Link(label="Probe inbox", url="/probe/inbox/", badge=7, badge_label="new"),
        ),
    ):
        html = client.get("/").content.decode()
    assert "Probe panel for Ada Probe" in html
    # Ordered among the registered sections: after People (30), before Marketplace (40).
    navigation = html[html.index('id="navigation"') :]
    assert navigation.index("People") < navigation.index("Probe data") < navigation.index("Marketplace")
    assert '<a class="govuk-link govuk-link--inverse" href="/probe/inbox/">Probe inbox' in html
    assert '7<span class="govuk-visually-hidden"> new</span>' in html
    # Unregistered again, it is gone: nothing was kept in the base.
    assert "Probe" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_new_feature_adds_account_links_panels_and_moderation_queues(client, home_page, probe_templates):
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    member = UserFactory()
    with (
        hooks.register_temporarily(extensions.ACCOUNT_PANELS, probe_panel),
        hooks.register_temporarily(
            extensions.ACCOUNT_LINKS, lambda request: [extensions.Link(label="Your probe bookings", url="/probe/b/")]
        ),
        hooks.register_temporarily(
            extensions.MODERATION_LINKS, lambda request: extensions.Link(label="Probe reports", url="/probe/r/")
        ),
        hooks.register_temporarily(extensions.ACCOUNT_PANELS, lambda request: None),
    ):
        client.force_login(moderator)
        as_moderator = client.get("/account/").content.decode()
        client.force_login(member)
        as_member = client.get("/account/").content.decode()
    assert 'href="/probe/b/">Your probe bookings' in as_moderator
    assert "Probe panel for" in as_moderator
    assert 'href="/probe/r/">Probe reports' in as_moderator
    # Moderation queues are listed for site moderators only; the rest is for everyone.
    assert "Probe reports" not in as_member
    assert "Your probe bookings" in as_member


@pytest.mark.django_db
def test_the_site_structure_and_navigation_come_from_the_registered_sections(client, home_page):
    sections = extensions.site_sections()
    assert [section.url for section in sections] == ["/good-practice/", "/communities/", "/people/", "/marketplace/"]
    html = client.get("/").content.decode()
    for section in sections:
        assert f'href="{section.url}"' in html
        assert client.get(section.url).status_code == 200


def test_seed_demo_runs_a_registered_step_in_order_with_its_own_options(db, capsys):
    step = extensions.DemoStep(name="probe", module="tests.home.plugin_probe.demo", order=95)
    with hooks.register_temporarily(extensions.DEMO_DATA, lambda: step):
        steps = extensions.demo_steps()
        names = [registered.name for registered in steps]
        # In ascending order, whatever order the apps are installed in; the probe (95) among them.
        assert [registered.order for registered in steps] == sorted(registered.order for registered in steps)
        assert names[:4] == ["accounts", "hub", "communities", "marketplace"] and "probe" in names
        assert "--probe-rows" in SeedDemo().create_parser("manage.py", "seed_demo").format_help()
        probe_demo.SEEDED.clear()
        # Only the probe's step: seeding the real features is test_seed_demo's job.
        call_command("seed_demo", only=["probe"], probe_rows=11)
    assert [options["probe_rows"] for options in probe_demo.SEEDED] == [11]
    out = capsys.readouterr().out
    assert "Demo data for probe:" in out
    assert "Demo data for hub:" not in out
