"""Reviews that can be trusted: who may review, once each, provider replies, Bayesian ranking."""

import datetime
import re
from decimal import Decimal

import pytest

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.factories import CouncilFactory, UserFactory
from marketplace.factories import ReviewFactory, ServiceFactory
from marketplace.models import RemovalReason, Review, ReviewStatus
from marketplace.selectors import ServiceFilters, service_search
from marketplace.services import (
    ReviewNotAllowed,
    bayesian_score,
    review_remove,
    review_reply,
    review_submit,
    service_ratings_refresh,
)


def submit(service, user, *, ratings=(4, 4, 4), recommend=True, text="Helpful and well run."):
    return review_submit(
        service=service,
        user=user,
        used_in=datetime.date(2025, 6, 1),
        how_used="commissioned",
        rating_experience=ratings[0],
        rating_value=ratings[1],
        rating_outcomes=ratings[2],
        would_recommend=recommend,
        text=text,
    )


REVIEW_POST = {
    "used_month": "6",
    "used_year": "2025",
    "how_used": "commissioned",
    "rating_experience": "5",
    "rating_value": "3",
    "rating_outcomes": "4",
    "would_recommend": "yes",
    "text": "Clear, practical and on time.",
}


def test_people_from_businesses_cannot_review(consultant):
    service = ServiceFactory()
    with pytest.raises(ReviewNotAllowed):
        submit(service, consultant)
    assert not Review.objects.exists()


def test_people_without_an_organisation_cannot_review(db):
    service = ServiceFactory()
    with pytest.raises(ReviewNotAllowed):
        submit(service, UserFactory(organisation=None))


def test_council_and_fire_and_rescue_staff_can_review(council_officer, fire_officer):
    service = ServiceFactory()
    submit(service, council_officer)
    submit(service, fire_officer)
    service.refresh_from_db()
    assert service.review_count == 2


def test_review_form_refuses_non_council_users_with_an_explanation(client, consultant):
    service = ServiceFactory()
    client.force_login(consultant)
    response = client.post(f"{service.get_absolute_url()}review/", REVIEW_POST)
    assert response.status_code == 403
    assert "Only people from councils and fire and rescue services" in response.content.decode()
    assert not Review.objects.exists()


def test_review_form_asks_anonymous_visitors_to_sign_in(client, db):
    service = ServiceFactory()
    response = client.get(f"{service.get_absolute_url()}review/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_one_review_per_person_a_second_submission_updates_the_first(client, council_officer):
    service = ServiceFactory()
    client.force_login(council_officer)
    client.post(f"{service.get_absolute_url()}review/", REVIEW_POST)
    client.post(f"{service.get_absolute_url()}review/", {**REVIEW_POST, "rating_value": "1", "would_recommend": "no"})
    review = Review.objects.get()
    assert review.rating_value == 1 and not review.would_recommend
    assert review.organisation == council_officer.organisation
    service.refresh_from_db()
    assert service.review_count == 1
    assert service.recommend_count == 0


def test_the_review_form_keeps_what_was_typed_and_shows_every_error(client, council_officer):
    service = ServiceFactory()
    client.force_login(council_officer)
    response = client.post(
        f"{service.get_absolute_url()}review/",
        {"used_month": "13", "used_year": "2025", "text": "Kept text", "rating_value": "3"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the month as a number from 1 to 12" in html
    assert "Select a rating for customer experience" in html
    assert "Select yes if you would recommend the service" in html
    assert "Kept text" in html
    # Each error links to a field that exists, radios included (their first option).
    for target in re.findall(r'<li><a href="#([^"]+)">', html):
        assert f'id="{target}"' in html, target
    assert not Review.objects.exists()


def test_a_date_in_the_future_is_refused(client, council_officer):
    service = ServiceFactory()
    client.force_login(council_officer)
    next_year = datetime.date.today().year + 1
    response = client.post(f"{service.get_absolute_url()}review/", {**REVIEW_POST, "used_year": str(next_year)})
    assert "must be in the past" in response.content.decode()


def test_provider_staff_cannot_review_their_own_service(provider, provider_staff):
    # Even if their organisation were a council (a council's own trading company, say).
    provider_staff.organisation = CouncilFactory()
    provider_staff.save()
    service = ServiceFactory(provider=provider)
    with pytest.raises(ReviewNotAllowed):
        submit(service, provider_staff)


def test_provider_may_reply_once_and_the_reviewer_is_told(
    provider, provider_staff, council_officer, django_capture_on_commit_callbacks
):
    service = ServiceFactory(provider=provider)
    review = submit(service, council_officer)
    with django_capture_on_commit_callbacks(execute=True):
        review_reply(review=review, user=provider_staff, text="Thank you for the feedback.")
    with pytest.raises(ValidationError):
        review_reply(review=review, user=provider_staff, text="And another thing.")
    assert review.reply.text == "Thank you for the feedback."
    assert mail.outbox[-1].to == [council_officer.email]


def test_only_the_providers_staff_can_reply(council_officer, consultant):
    review = submit(ServiceFactory(), council_officer)
    with pytest.raises(PermissionDenied):
        review_reply(review=review, user=consultant, text="Not my service.")


def test_the_reply_page_refuses_a_second_reply(client, provider, provider_staff, council_officer):
    service = ServiceFactory(provider=provider)
    review = submit(service, council_officer)
    client.force_login(provider_staff)
    client.post(f"/marketplace/reviews/{review.pk}/reply/", {"text": "First reply"})
    client.post(f"/marketplace/reviews/{review.pk}/reply/", {"text": "Second reply"})
    html = client.get(service.get_absolute_url()).content.decode()
    assert "First reply" in html and "Second reply" not in html


def test_bayesian_average_ranks_forty_four_and_a_halfs_above_a_single_five(db):
    lone = ServiceFactory(name="One glowing review")
    steady = ServiceFactory(name="Forty very good reviews")
    ReviewFactory(service=lone, rating_experience=5, rating_value=5, rating_outcomes=5)
    # 4.5 on average: half the reviewers give 5s, half give 4s.
    for index in range(40):
        score = 5 if index % 2 else 4
        ReviewFactory(service=steady, rating_experience=score, rating_value=score, rating_outcomes=score)
    service_ratings_refresh(service=lone)
    service_ratings_refresh(service=steady)
    lone.refresh_from_db()
    steady.refresh_from_db()
    assert lone.rating_average == Decimal("5.00") and lone.review_count == 1
    assert steady.rating_average == Decimal("4.50") and steady.review_count == 40
    assert steady.rating_score > lone.rating_score
    ranked = [service.name for service in service_search(filters=ServiceFilters(sort="rating")).services]
    assert ranked == ["Forty very good reviews", "One glowing review"]


def test_bayesian_score_worked_example():
    # Prior of 5 reviews at 3.5: (5 x 3.5 + 5) / 6 = 3.75 and (5 x 3.5 + 40 x 4.5) / 45 = 4.3889.
    assert bayesian_score(rating_sum=Decimal(5), count=1) == Decimal("3.7500")
    assert bayesian_score(rating_sum=Decimal(180), count=40) == Decimal("4.3889")
    assert bayesian_score(rating_sum=Decimal(0), count=0) == Decimal("3.5000")


def test_the_number_of_reviews_is_shown_beside_every_score(client, home_page, council_officer):
    service = ServiceFactory(name="Reviewed service")
    ServiceFactory(name="Unreviewed service")
    submit(service, council_officer, ratings=(5, 4, 3))
    listing = client.get("/marketplace/").content.decode()
    assert '<strong>4.0</strong> out of 5 <span class="govuk-body-s">(1 review)</span>' in listing
    assert 'No reviews yet <span class="govuk-body-s">(0 reviews)</span>' in listing
    detail = client.get(service.get_absolute_url()).content.decode()
    assert "(1 review)" in detail


def test_moderators_remove_abuse_but_cannot_remove_for_negativity(moderator, council_officer):
    service = ServiceFactory()
    review = submit(service, council_officer, ratings=(1, 1, 1), recommend=False, text="Poor value.")
    assert "negative" not in " ".join(RemovalReason.values)
    with pytest.raises(ValidationError):
        review_remove(review=review, moderator=moderator, reason="negative")
    review_remove(review=review, moderator=moderator, reason=RemovalReason.ABUSIVE)
    review.refresh_from_db()
    service.refresh_from_db()
    assert review.status == ReviewStatus.REMOVED
    assert service.review_count == 0


def test_only_moderators_can_remove_reviews(council_officer, consultant):
    review = submit(ServiceFactory(), council_officer)
    with pytest.raises(PermissionDenied):
        review_remove(review=review, moderator=consultant, reason=RemovalReason.ABUSIVE)


def test_removed_reviews_are_not_shown(client, moderator, council_officer):
    service = ServiceFactory()
    review = submit(service, council_officer, text="Something abusive")
    review_remove(review=review, moderator=moderator, reason=RemovalReason.ABUSIVE)
    assert "Something abusive" not in client.get(service.get_absolute_url()).content.decode()


def test_reviewer_text_is_escaped(client, council_officer):
    service = ServiceFactory()
    submit(service, council_officer, text="<script>alert(1)</script>")
    html = client.get(service.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_provider_markdown_is_rendered_safely(client, db):
    service = ServiceFactory(
        description="## What you get\n\n- Support\n\n<script>alert(1)</script> [link](javascript:alert(1))"
    )
    html = client.get(service.get_absolute_url()).content.decode()
    assert '<h3 class="govuk-heading-s">What you get</h3>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert "<script>alert(1)</script>" not in html
    assert "javascript:alert" not in html
