"""The resident's page without JavaScript, the editor, privacy, escaping and embedding."""

from datetime import timedelta
from decimal import Decimal

import pytest

from django.urls import reverse
from django.utils import timezone

from accountability.factories import framework_ensure, lines_of
from accountability.models import Response, Simulation, Tally
from accountability.services import assessment_start, respondent_invite

from .conftest import two_line_simulation

XSS = '<script>alert("x")</script>'


def page(simulation, name="simulation"):
    return reverse(f"accountability:{name}", kwargs={"pk": simulation.pk})


def budget(simulation, libraries="0", tax="0", **extra):
    lib, council_tax = lines_of(simulation)
    return {f"line_{lib.pk}": libraries, f"line_{council_tax.pk}": tax, **extra}


def test_a_resident_without_an_account_checks_and_sends_a_balanced_budget(client, simulation):
    shown = client.get(page(simulation))
    assert shown.status_code == 200
    assert b'type="number"' in shown.content and b"Check my budget" in shown.content

    checked = client.post(page(simulation), budget(simulation, "-10", action="check"))
    assert b"Balanced" in checked.content
    assert b"Two libraries open four days a week" in checked.content
    assert not Response.objects.exists()

    sent = client.post(
        page(simulation),
        budget(
            simulation, "-5", "1", area="LS6", age_band="25-34", reason="Keep libraries", consent="on", action="submit"
        ),
    )
    assert sent.status_code == 302 and sent["Location"] == page(simulation, "thanks")
    response = Response.objects.get()
    assert (response.area, response.age_band, response.reason, response.excluded) == (
        "LS6",
        "25-34",
        "Keep libraries",
        False,
    )
    lib = lines_of(simulation)[0]
    assert Tally.objects.get(line=lib, segment="", percent=Decimal(-5)).count == 1
    assert Tally.objects.get(line=lib, segment="age:25-34", percent=Decimal(-5)).count == 1


def test_an_unbalanced_budget_is_refused_with_how_far_off_it_is_and_every_value_kept(client, simulation):
    answer = client.post(
        page(simulation),
        budget(
            simulation,
            "-5",
            "0",
            band="C",
            area="LS6",
            age_band="50-64",
            reason="My reasons",
            consent="on",
            action="submit",
        ),
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "govuk-error-summary" in text
    assert "Your budget is £500,000 short of the £1m gap" in text
    assert 'value="-5"' in text
    assert 'value="LS6"' in text and "My reasons" in text
    assert '<option value="C" selected>' in text and 'value="50-64" selected' in text.replace("selected ", "selected")
    assert not Response.objects.exists()


def test_optional_answers_are_kept_only_with_consent(client, simulation):
    answer = client.post(page(simulation), budget(simulation, "-5", reason="Why", action="submit"))
    assert "Tick the box to say we may keep your answers" in answer.content.decode()
    # The budget's shortfall is reported with the field's error, not after it is fixed.
    assert "Your budget is £500,000 short of the £1m gap" in answer.content.decode()
    assert not Response.objects.exists()
    client.post(page(simulation), budget(simulation, "-10", action="submit"))
    assert Response.objects.get().reason == ""


def test_a_choice_below_the_statutory_floor_is_refused_with_its_reason(client, simulation):
    answer = client.post(page(simulation), budget(simulation, "-20", action="submit"))
    assert (
        "Libraries cannot go below -15%: The council must run a comprehensive library service"
        in answer.content.decode()
    )
    assert not Response.objects.exists()


def test_too_many_budgets_from_one_browser_are_answered_429_with_a_clear_message(client, simulation, settings):
    settings.ACCOUNTABILITY_SUBMIT_RATES = {"browser": (2, 3600)}
    for _ in range(2):
        assert client.post(page(simulation), budget(simulation, "-10", action="submit")).status_code == 302
    limited = client.post(page(simulation), budget(simulation, "-10", action="submit"))
    assert limited.status_code == 429
    assert "Too many budgets sent" in limited.content.decode()
    assert limited["Retry-After"] == "3600"
    assert Response.objects.count() == 2


def test_too_many_budgets_from_one_address_are_refused_whatever_the_browser(client, simulation, settings):
    settings.ACCOUNTABILITY_SUBMIT_RATES = {"address": (1, 600)}
    assert client.post(page(simulation), budget(simulation, "-10", action="submit")).status_code == 302
    client.cookies.clear()
    assert client.post(page(simulation), budget(simulation, "-10", action="submit")).status_code == 429


def test_a_closed_simulation_takes_no_budgets(client, council):
    closed = two_line_simulation(council, closes_at=timezone.now() - timedelta(days=1))
    shown = client.get(page(closed))
    assert "not taking responses" in shown.content.decode()
    answer = client.post(page(closed), budget(closed, "-10", action="submit"))
    assert "not taking responses" in answer.content.decode()
    assert not Response.objects.exists()


def test_a_draft_is_a_preview_for_its_council_and_404_for_everyone_else(client, council, staff, outsider):
    draft = two_line_simulation(council, publish=False)
    assert client.get(page(draft)).status_code == 404
    client.force_login(outsider)
    assert client.get(page(draft)).status_code == 404
    client.force_login(staff)
    assert b"Preview" in client.get(page(draft)).content


@pytest.mark.parametrize("name", ["results", "results_csv"])
def test_unpublished_results_are_404_outside_the_council(client, simulation, staff, outsider, name):
    assert client.get(page(simulation, name)).status_code == 404
    client.force_login(outsider)
    assert client.get(page(simulation, name)).status_code == 404
    client.force_login(staff)
    assert client.get(page(simulation, name)).status_code == 200
    Simulation.objects.filter(pk=simulation.pk).update(results_published=True)
    client.logout()
    assert client.get(page(simulation, name)).status_code == 200


def test_the_editor_is_404_outside_the_council(client, simulation, outsider):
    client.force_login(outsider)
    for name in ("simulation_manage", "simulation_edit", "line_new", "group_new"):
        assert client.get(reverse(f"accountability:{name}", kwargs={"pk": simulation.pk})).status_code == 404
    assert client.post(page(simulation, "results_publish"), {"published": "on"}).status_code == 404


def test_staff_build_preview_and_publish_a_simulation(client, council, staff):
    client.force_login(staff)
    made = client.post(
        reverse("accountability:simulation_new"),
        {
            "title": "Our budget",
            "budget_year": "2026/27",
            "gaps": "2026/27: 500000\n2027/28: 900000",
            "referendum_limit": "4.99",
        },
    )
    simulation = Simulation.objects.get(title="Our budget")
    assert made["Location"] == reverse("accountability:simulation_manage", kwargs={"pk": simulation.pk})
    assert [(y.label, y.gap) for y in simulation.years.all()] == [("2026/27", 500000), ("2027/28", 900000)]
    client.post(reverse("accountability:group_new", kwargs={"pk": simulation.pk}), {"name": "Environment"})
    saved = client.post(
        reverse("accountability:line_new", kwargs={"pk": simulation.pk}),
        {
            "group": simulation.groups.get().pk,
            "kind": "spend",
            "name": "Street cleaning",
            "amount": "5000000",
            "min_percent": "-20",
            "max_percent": "0",
            "step_percent": "10",
            "consequences_text": "-10: Streets swept monthly\n-20: Only on request",
        },
    )
    assert saved.status_code == 302, saved.content.decode()
    line = simulation.lines.get()
    assert [(c.percent, c.text) for c in line.consequences.all()] == [
        (-20, "Only on request"),
        (-10, "Streets swept monthly"),
    ]
    client.post(reverse("accountability:simulation_publish", kwargs={"pk": simulation.pk}))
    simulation.refresh_from_db()
    assert simulation.is_published
    client.logout()
    assert client.get(page(simulation)).status_code == 200


def test_a_line_floor_needs_its_reason(client, simulation, staff):
    client.force_login(staff)
    answer = client.post(
        reverse("accountability:line_new", kwargs={"pk": simulation.pk}),
        {
            "kind": "spend",
            "name": "Care",
            "amount": "1",
            "min_percent": "-5",
            "max_percent": "0",
            "step_percent": "1",
            "floor_percent": "-2",
        },
    )
    assert "Say why the line cannot go below its floor" in answer.content.decode()


def test_the_embed_may_be_framed_by_the_councils_listed_sites_only(client, council):
    simulation = two_line_simulation(
        council, embed_domains="https://www.exampleshire.gov.uk\nhttps://consult.exampleshire.gov.uk"
    )
    embed = client.get(page(simulation, "embed"))
    policy = embed["Content-Security-Policy"]
    assert "frame-ancestors https://www.exampleshire.gov.uk https://consult.exampleshire.gov.uk" in policy
    assert "X-Frame-Options" not in embed
    assert "script-src 'self'" in policy  # the rest of the site's policy still holds
    sent = client.post(page(simulation, "embed"), budget(simulation, "-10", action="submit"))
    assert sent["Location"] == page(simulation, "embed_thanks")
    assert "frame-ancestors https://www.exampleshire.gov.uk" in client.get(sent["Location"])["Content-Security-Policy"]


def test_an_embed_without_listed_sites_and_every_other_page_refuse_framing(client, simulation, staff):
    client.force_login(staff)
    urls = [
        page(simulation, "embed"),
        page(simulation),
        page(simulation, "thanks"),
        page(simulation, "results"),
        reverse("accountability:index"),
        reverse("accountability:manage"),
        reverse("accountability:simulation_manage", kwargs={"pk": simulation.pk}),
    ]
    for url in urls:
        answer = client.get(url)
        assert "frame-ancestors 'none'" in answer["Content-Security-Policy"], url
    for url in urls[1:]:
        assert client.get(url)["X-Frame-Options"] == "DENY", url


def test_no_free_text_renders_unescaped(client, council, staff):
    simulation = two_line_simulation(council, publish=False, introduction=XSS, budget_year="2026", title=f"T {XSS}")
    lib = lines_of(simulation)[0]
    lib.description, lib.floor_reason = XSS, XSS
    lib.save()
    lib.consequences.update(text=XSS)
    lib.group.name = XSS
    lib.group.save()
    from accountability.services import simulation_publish

    simulation_publish(simulation=simulation)
    Simulation.objects.filter(pk=simulation.pk).update(results_published=True, results_statement=XSS, embed_domains="")
    client.post(page(simulation), budget(simulation, "-10", area=XSS[:60], reason=XSS, consent="on", action="submit"))
    assert Response.objects.get().reason == XSS
    framework = framework_ensure()
    assessment = assessment_start(organisation=council, framework=framework, title=XSS)
    respondent = respondent_invite(assessment=assessment, perspective="partner", label=XSS)
    client.post(
        reverse("accountability:assessment_respond", kwargs={"token": respondent.token}),
        {
            f"score_{framework.themes.first().statements.first().pk}": "3",
            f"evidence_{framework.themes.first().statements.first().pk}": XSS,
        },
    )
    client.force_login(staff)
    client.post(
        reverse("accountability:assessment_manage", kwargs={"pk": assessment.pk}),
        {"form": "action", "action-title": XSS, "action-owner": XSS, "action-due": "2026-09-30"},
    )
    urls = [
        page(simulation),
        page(simulation, "embed"),
        page(simulation, "results"),
        page(simulation, "thanks"),
        reverse("accountability:simulation_manage", kwargs={"pk": simulation.pk}),
        reverse("accountability:line_edit", kwargs={"pk": simulation.pk, "line_id": lib.pk}),
        reverse("accountability:manage"),
        reverse("accountability:index"),
        reverse("accountability:assessment_manage", kwargs={"pk": assessment.pk}),
        reverse("accountability:assessment_public", kwargs={"pk": assessment.pk}),
        reverse("accountability:assessment_respond", kwargs={"token": respondent.token}),
    ]
    # Script payloads render as text everywhere; the only <script> tags are the site's own.
    for url in urls:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
    assert "&lt;script&gt;alert" in client.get(page(simulation, "results")).content.decode()
    assert "&lt;script&gt;alert" in client.get(urls[8]).content.decode()
