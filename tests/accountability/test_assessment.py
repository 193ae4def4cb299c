"""The self-assessment: invited people see only their own answers; private until published."""

import pytest

from django.urls import reverse

from accountability import selectors
from accountability.factories import framework_ensure
from accountability.models import Perspective, Rating, Respondent
from accountability.services import assessment_publish, assessment_start, ratings_save, respondent_invite


@pytest.fixture
def assessment(council):
    return assessment_start(organisation=council, framework=framework_ensure(), title="How are we doing?")


def statements(assessment):
    return [s for theme in selectors.framework_themes(assessment.framework) for s in theme.statements.all()]


def test_the_framework_covers_the_five_themes_and_is_made_once(db):
    framework = framework_ensure()
    assert framework_ensure() == framework
    assert [t.title for t in framework.themes.all()] == [
        "Leadership and priorities",
        "Governance and scrutiny",
        "Financial resilience",
        "Engagement with residents",
        "Capacity to improve",
    ]


def test_the_shared_picture_shows_where_perspectives_agree_and_differ(assessment):
    first, second = statements(assessment)[:2]
    council = respondent_invite(assessment=assessment, perspective=Perspective.COUNCIL)
    resident = respondent_invite(assessment=assessment, perspective=Perspective.RESIDENT)
    other_resident = respondent_invite(assessment=assessment, perspective=Perspective.RESIDENT)
    ratings_save(respondent=council, answers={first.pk: (5, ""), second.pk: (3, "")})
    ratings_save(respondent=resident, answers={first.pk: (2, ""), second.pk: (3, "")})
    ratings_save(respondent=other_resident, answers={first.pk: (3, ""), second.pk: (4, "")})
    rows = {
        row.statement.pk: row
        for _, theme_rows in selectors.assessment_picture(assessment=assessment)
        for row in theme_rows
    }
    assert rows[first.pk].means == {"council": 5, "partner": None, "resident": 2.5}
    assert rows[first.pk].differ
    assert not rows[second.pk].differ and rows[second.pk].gap == 0.5


def test_an_invited_person_sees_only_their_own_answers(client, assessment):
    first = statements(assessment)[0]
    mine = respondent_invite(assessment=assessment, perspective=Perspective.PARTNER, label="Partner")
    theirs = respondent_invite(assessment=assessment, perspective=Perspective.PARTNER, label="Other")
    ratings_save(respondent=theirs, answers={first.pk: (1, "Their private evidence")})
    url = reverse("accountability:assessment_respond", kwargs={"token": mine.token})
    client.post(url, {f"score_{first.pk}": "4", f"evidence_{first.pk}": "My evidence"})
    body = client.get(url).content.decode()
    assert "My evidence" in body and "Their private evidence" not in body
    assert Rating.objects.get(respondent=mine).score == 4


def test_a_resident_joins_by_the_shared_link_without_an_account(client, assessment):
    url = reverse("accountability:assessment_join", kwargs={"token": assessment.resident_token})
    assert client.get(url).status_code == 200
    started = client.post(url)
    resident = Respondent.objects.get(perspective=Perspective.RESIDENT)
    assert started["Location"] == reverse("accountability:assessment_respond", kwargs={"token": resident.token})


def test_an_assessment_is_404_outside_the_council_until_published(client, assessment, staff, outsider):
    public = reverse("accountability:assessment_public", kwargs={"pk": assessment.pk})
    manage = reverse("accountability:assessment_manage", kwargs={"pk": assessment.pk})
    assert client.get(public).status_code == 404
    client.force_login(outsider)
    assert client.get(public).status_code == 404 and client.get(manage).status_code == 404
    client.force_login(staff)
    assert client.get(public).status_code == 200 and client.get(manage).status_code == 200
    assessment_publish(assessment=assessment, summary="What we found")
    client.logout()
    assert b"What we found" in client.get(public).content


def test_staff_invite_people_and_write_an_action_plan(client, assessment, staff):
    client.force_login(staff)
    manage = reverse("accountability:assessment_manage", kwargs={"pk": assessment.pk})
    client.post(manage, {"form": "invite", "invite-perspective": "partner", "invite-label": "Police partner"})
    assert assessment.respondents.get().label == "Police partner"
    refused = client.post(
        manage, {"form": "action", "action-title": "Fix", "action-owner": "CEO", "action-due": "soon"}
    )
    assert "govuk-error-summary" in refused.content.decode()
    client.post(
        manage,
        {
            "form": "action",
            "action-title": "Open scrutiny",
            "action-owner": "Monitoring officer",
            "action-due": "2026-09-30",
            "action-help_url": "/communities/",
        },
    )
    assert assessment.actions.get().title == "Open scrutiny"
