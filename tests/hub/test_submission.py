"""Publishing: officers submit through the front-end form, editors review in Wagtail."""

import pytest

from django.core import mail
from django.core.exceptions import PermissionDenied

from wagtail.models import WorkflowState

from accounts.factories import UserFactory
from hub.factories import case_study_create
from hub.models import GoodPracticePage
from hub.services import case_study_draft_update, case_study_submit

ABOUT = {
    "title": "Cutting temporary accommodation costs",
    "summary": "Early prevention kept families housed.",
    "service_area": None,  # set in the test: the pk of a service area
    "organisation": None,  # the pk of the officer's council
    "partner": "",
}
STORY = {
    "challenge": "Families arrived at crisis point.",
    "approach": "We contacted renters as soon as a notice was served.",
    "outcomes_text": "Fewer families in temporary accommodation.\n\nSavings reinvested.",
    "figure_value": "38",
    "figure_unit": "%",
    "figure_description": "fewer households in temporary accommodation",
}
DETAILS = {"cost": "£45,000 a year", "timescale": "Nine months", "themes": "prevention, private renting"}


def submit_all_steps(client, *, housing, officer) -> GoodPracticePage:
    response = client.post(
        "/good-practice/submit/new/about/",
        {**ABOUT, "service_area": housing.pk, "organisation": officer.organisation_id},
    )
    assert response.status_code == 302, response.content.decode()
    page = GoodPracticePage.objects.get(owner=officer)
    assert response["Location"] == f"/good-practice/submit/{page.pk}/story/"
    assert client.post(f"/good-practice/submit/{page.pk}/story/", STORY).status_code == 302
    response = client.post(f"/good-practice/submit/{page.pk}/details/", DETAILS)
    assert response["Location"] == f"/good-practice/submit/{page.pk}/check/"
    return page


def approve(page, editor):
    state = page.current_workflow_state
    task_state = state.current_task_state.specific
    task_state.task.specific.on_action(task_state, editor, "approve")


@pytest.mark.django_db
def test_submission_saves_a_draft_at_every_step_and_goes_to_the_editors(client, library, housing, officer, editor):
    client.force_login(officer)
    page = submit_all_steps(client, housing=housing, officer=officer)
    page.refresh_from_db()
    assert not page.live
    latest = page.get_latest_revision_as_object()
    assert latest.cost == "£45,000 a year"
    assert [tag.name for tag in latest.tags.all()] == ["Prevention", "Private renting"]
    assert [block.block_type for block in latest.outcomes] == ["paragraph", "figure"]
    assert "Check your case study" in client.get(f"/good-practice/submit/{page.pk}/check/").content.decode()

    response = client.post(f"/good-practice/submit/{page.pk}/check/")
    assert response["Location"] == f"/good-practice/submit/{page.pk}/submitted/"
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.specific.groups.filter(name="Site editors").exists()
    html = client.get("/good-practice/my-submissions/").content.decode()
    assert "In review" in html and ABOUT["title"] in html


@pytest.mark.django_db
def test_an_error_re_renders_the_step_keeping_what_was_typed(client, library, housing, officer):
    client.force_login(officer)
    response = client.post(
        "/good-practice/submit/new/about/",
        {**ABOUT, "summary": "", "service_area": housing.pk, "organisation": officer.organisation_id},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_summary"' in html
    assert "Enter a summary" in html and "govuk-error-message" in html
    assert f'value="{ABOUT["title"]}"' in html
    assert "<title>Error: " in html
    assert not GoodPracticePage.objects.exists()


@pytest.mark.django_db
def test_headline_figure_needs_its_unit_and_description(client, library, housing, officer):
    client.force_login(officer)
    page = submit_all_steps(client, housing=housing, officer=officer)
    response = client.post(
        f"/good-practice/submit/{page.pk}/story/", {**STORY, "figure_unit": "", "figure_description": ""}
    )
    html = response.content.decode()
    assert "Enter the unit of the headline figure" in html
    assert "Enter what the headline figure shows" in html


@pytest.mark.django_db
def test_save_and_come_back_later_keeps_the_draft(client, library, housing, officer):
    client.force_login(officer)
    response = client.post(
        "/good-practice/submit/new/about/",
        {**ABOUT, "service_area": housing.pk, "organisation": officer.organisation_id, "later": "1"},
    )
    assert response["Location"] == "/good-practice/my-submissions/"
    html = client.get("/good-practice/my-submissions/").content.decode()
    assert "Draft" in html and ABOUT["title"] in html
    page = GoodPracticePage.objects.get()
    # Submitting an incomplete draft is refused with what is missing.
    html = client.post(f"/good-practice/submit/{page.pk}/check/").content.decode()
    assert "Complete these before submitting" in html and "the challenge" in html


@pytest.mark.django_db
def test_editor_approval_publishes_and_emails_the_author(
    client, django_capture_on_commit_callbacks, library, housing, officer, editor
):
    client.force_login(officer)
    page = submit_all_steps(client, housing=housing, officer=officer)
    client.post(f"/good-practice/submit/{page.pk}/check/")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve(page, editor)
    page.refresh_from_db()
    assert page.live
    to_officer = [m for m in mail.outbox if m.to == [officer.email]]
    assert len(to_officer) == 1  # the library's email, not Wagtail's admin notification too
    assert "is published" in to_officer[0].subject and page.url in to_officer[0].body
    html = client.get("/good-practice/my-submissions/").content.decode()
    assert ">Published<" in html
    client.logout()
    assert ABOUT["title"] in client.get("/good-practice/?q=temporary accommodation").content.decode()


@pytest.mark.django_db
def test_changes_requested_are_emailed_with_the_comment_and_the_author_can_resubmit(
    client, django_capture_on_commit_callbacks, library, housing, officer, editor
):
    client.force_login(officer)
    page = submit_all_steps(client, housing=housing, officer=officer)
    client.post(f"/good-practice/submit/{page.pk}/check/")
    state = page.current_workflow_state
    task_state = state.current_task_state.specific
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(task_state, editor, "reject", comment="Please add the cost per household.")
    to_officer = [m for m in mail.outbox if m.to == [officer.email]]
    assert len(to_officer) == 1
    assert "changes requested" in to_officer[0].subject
    assert "Please add the cost per household." in to_officer[0].body
    html = client.get("/good-practice/my-submissions/").content.decode()
    assert "Changes requested" in html and "Please add the cost per household." in html

    client.post(f"/good-practice/submit/{page.pk}/details/", {**DETAILS, "cost": "£45,000 a year, £300 per household"})
    client.post(f"/good-practice/submit/{page.pk}/check/")
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    approve(page, editor)
    page.refresh_from_db()
    assert page.live and page.cost == "£45,000 a year, £300 per household"


@pytest.mark.django_db
def test_author_edits_of_a_published_case_study_wait_for_review(client, library, housing, officer, editor):
    page = case_study_create(
        title="Published work", service_area=housing, owner=officer, organisations=[officer.organisation]
    )
    client.force_login(officer)
    response = client.post(
        f"/good-practice/submit/{page.pk}/about/?check=1",
        {
            **ABOUT,
            "title": "Published work, updated",
            "service_area": housing.pk,
            "organisation": officer.organisation_id,
        },
    )
    assert response["Location"] == f"/good-practice/submit/{page.pk}/check/"
    client.post(f"/good-practice/submit/{page.pk}/check/")
    page.refresh_from_db()
    assert page.title == "Published work"  # the live version stays until approved
    assert "Published, changes in review" in client.get("/good-practice/my-submissions/").content.decode()
    approve(page, editor)
    page.refresh_from_db()
    assert page.title == "Published work, updated"


@pytest.mark.django_db
def test_only_the_author_can_edit_or_submit(client, library, housing, officer):
    page = case_study_create(title="Someone else's", service_area=housing, owner=officer, live=False)
    intruder = UserFactory()
    client.force_login(intruder)
    assert client.get(f"/good-practice/submit/{page.pk}/about/").status_code == 404
    assert client.post(f"/good-practice/submit/{page.pk}/check/").status_code == 404
    with pytest.raises(PermissionDenied):
        case_study_draft_update(user=intruder, page=page, data={"title": "Mine now"})
    with pytest.raises(PermissionDenied):
        case_study_submit(user=intruder, page=page)


@pytest.mark.django_db
def test_submission_needs_a_signed_in_user(client, library):
    response = client.get("/good-practice/submit/new/about/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_drafts_are_not_visible_to_the_public(client, library, housing, officer):
    page = case_study_create(title="Secret draft", service_area=housing, owner=officer, live=False)
    assert client.get(f"/good-practice/{page.slug}/").status_code == 404
    assert "Secret draft" not in client.get("/good-practice/?q=secret").content.decode()
    assert "Secret draft" not in client.get("/good-practice/feeds/rss/").content.decode()
