"""Anyone signed in reports a review for abuse; moderators decide; a review is never hidden
for being negative, nor by reports alone."""

import pytest

from django.core import mail
from django.core.exceptions import ValidationError

from accounts.factories import UserFactory
from marketplace.factories import ReviewFactory, ServiceFactory
from marketplace.forms import ReportReviewForm
from marketplace.models import RemovalReason, ReportStatus, ReviewReport, ReviewStatus
from marketplace.services import review_report, service_ratings_refresh


@pytest.fixture
def review(db):
    service = ServiceFactory(name="Scrutiny support")
    review = ReviewFactory(service=service, text="Slow, expensive and the report was thin.", rating_value=1)
    service_ratings_refresh(service=service)
    return review


def report_url(review) -> str:
    return f"/marketplace/reviews/{review.pk}/report/"


def test_any_signed_in_person_can_report_and_moderators_are_told(
    client, review, consultant, moderator, django_capture_on_commit_callbacks
):
    client.force_login(consultant)  # from a business: may not review, may report
    page = client.get(review.service.get_absolute_url()).content.decode()
    assert report_url(review) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            report_url(review), {"reason": RemovalReason.PERSONAL_DATA, "details": "Names a person."}
        )
    assert response.status_code == 302
    report = ReviewReport.objects.get()
    assert (report.reporter, report.reason, report.status) == (consultant, "personal_data", ReportStatus.OPEN)
    assert report.details == "Names a person."
    assert moderator.email in mail.outbox[-1].to and "Scrutiny support" in mail.outbox[-1].subject
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED, "a report hides nothing until a moderator decides"


def test_the_report_form_shows_an_error_summary_without_a_reason(client, review, consultant):
    client.force_login(consultant)
    html = client.post(report_url(review), {"details": "It is rude."}).content.decode()
    assert "There is a problem" in html
    assert 'href="#id_reason_1">Select why the review breaks the rules' in html
    assert "It is rude." in html, "what was typed is kept"
    assert not ReviewReport.objects.exists()


def test_being_negative_is_not_a_reason_on_offer(client, review, consultant):
    reasons = dict(ReportReviewForm.base_fields["reason"].choices)
    assert set(reasons) == set(RemovalReason.values)
    assert not any("negative" in str(label).lower() or "critical" in str(label).lower() for label in reasons.values())
    client.force_login(consultant)
    client.post(report_url(review), {"reason": "negative"})
    assert not ReviewReport.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in(client, review):
    response = client.get(report_url(review))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert report_url(review) not in client.get(review.service.get_absolute_url()).content.decode()


def test_one_report_per_person_and_never_of_your_own_review(client, review, consultant):
    review_report(review=review, user=consultant, reason=RemovalReason.SPAM)
    client.force_login(consultant)
    html = client.post(report_url(review), {"reason": RemovalReason.ABUSIVE}).content.decode()
    assert "You have already reported this review" in html
    assert ReviewReport.objects.count() == 1
    with pytest.raises(ValidationError):
        review_report(review=review, user=review.author, reason=RemovalReason.SPAM)
    client.force_login(review.author)
    assert client.get(report_url(review)).status_code == 302
    assert report_url(review) not in client.get(review.service.get_absolute_url()).content.decode()


def test_many_reports_never_hide_a_review(client, review):
    for _ in range(12):
        review_report(review=review, user=UserFactory(), reason=RemovalReason.ABUSIVE)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    assert "Slow, expensive and the report was thin." in client.get(review.service.get_absolute_url()).content.decode()
    review.service.refresh_from_db()
    assert review.service.review_count == 1


def test_reports_reach_the_moderation_queue_and_removing_the_review_closes_them(client, review, consultant, moderator):
    review_report(review=review, user=consultant, reason=RemovalReason.ABUSIVE, details="Insults the trainer.")
    client.force_login(moderator)
    queue = client.get("/marketplace/moderation/").content.decode()
    assert "Review of Scrutiny support" in queue and "Insults the trainer." in queue
    assert f"/marketplace/reviews/{review.pk}/remove/" in queue
    client.post(f"/marketplace/reviews/{review.pk}/remove/", {"reason": RemovalReason.ABUSIVE})
    review.refresh_from_db()
    assert review.status == ReviewStatus.REMOVED
    report = ReviewReport.objects.get()
    assert (report.status, report.decided_by) == (ReportStatus.REMOVED, moderator)
    assert "No reviews are waiting for a decision." in client.get("/marketplace/moderation/").content.decode()


def test_a_moderator_may_keep_a_reported_review(client, review, consultant, moderator):
    review_report(review=review, user=consultant, reason=RemovalReason.NOT_FIRST_HAND)
    client.force_login(consultant)
    assert client.post(f"/marketplace/reviews/{review.pk}/keep/").status_code == 403
    client.force_login(moderator)
    response = client.post(f"/marketplace/reviews/{review.pk}/keep/", follow=True)
    assert "stays published" in response.content.decode()
    assert "No reviews are waiting for a decision." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    assert ReviewReport.objects.get().status == ReportStatus.KEPT
