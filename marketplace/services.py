"""Every write in the marketplace: listings and their moderation, reviews, replies, shortlists."""

import time
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import SECTOR_KINDS, Organisation, User
from accounts.roles import is_site_moderator
from accounts.selectors import verified_organisation
from home.links import absolute_url
from marketplace import listing_index
from marketplace.models import (
    CONTENT_FIELDS,
    SHORTLIST_LIMIT,
    Provider,
    ReportStatus,
    Review,
    ReviewReply,
    ReviewReport,
    ReviewStatus,
    RevisionStatus,
    Service,
    ServiceRevision,
    Shortlist,
    ShortlistItem,
)

# Bayesian average: every service starts as if it had PRIOR_WEIGHT reviews at PRIOR_MEAN, so a
# handful of glowing reviews cannot outrank a long record of very good ones. A fixed prior (the
# scale's "good" point) keeps each service's score independent of every other service's reviews.
PRIOR_MEAN = Decimal("3.5")
PRIOR_WEIGHT = 5


def listing_changed() -> None:
    """Tell every process its listing index is stale (a listing or a rating changed)."""
    try:
        cache.incr(listing_index.LISTING_VERSION_KEY)
    except ValueError:
        # Not set yet (or evicted): any new value makes every old index stale.
        cache.set(listing_index.LISTING_VERSION_KEY, time.time_ns(), None)


def listing_reindex() -> None:
    """Run after a write commits: stale every process's index, then build the new one here and
    share it, so the write pays for it and the other processes only load it."""
    listing_changed()
    listing_index.install(listing_index.build())


class ReviewNotAllowed(PermissionDenied):
    """The user may not review services (not signed in, or not from a council or fire service)."""


def bayesian_score(*, rating_sum: Decimal, count: int) -> Decimal:
    """(C x m + sum of ratings) / (C + n): one 5 scores 3.75, forty 4.5s score 4.39."""
    score = (PRIOR_WEIGHT * PRIOR_MEAN + Decimal(rating_sum)) / (PRIOR_WEIGHT + count)
    return score.quantize(Decimal("0.0001"), ROUND_HALF_UP)


def user_may_review(user) -> bool:
    """Only verified members of a council or fire and rescue service can review: a self-declared
    organisation is not enough (accounts.selectors.verified_organisation decides)."""
    organisation = verified_organisation(user)
    return bool(organisation and organisation.kind in SECTOR_KINDS)


def user_manages_provider(*, user, provider: Provider) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or provider.staff.filter(pk=user.pk).exists()))


# --- Providers -----------------------------------------------------------------------------


@transaction.atomic
def provider_create(
    *,
    organisation: Organisation,
    provider_type: str,
    about: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    staff: list[User] | None = None,
) -> Provider:
    """Register an organisation as a provider; its contacts start unverified."""
    provider = Provider.objects.create(
        organisation=organisation,
        provider_type=provider_type,
        about=about,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    if staff:
        provider.staff.add(*staff)
    return provider


@transaction.atomic
def provider_verify_contacts(*, provider: Provider, moderator: User) -> Provider:
    """A moderator confirms the provider's contact details are genuine."""
    if not is_site_moderator(moderator):
        raise PermissionDenied("Only moderators can verify a provider's contacts.")
    provider.contacts_verified_at = timezone.now()
    provider.save(update_fields=["contacts_verified_at"])
    return provider


# --- Listings and moderation ---------------------------------------------------------------


def _unique_service_slug(name: str, provider: Provider) -> str:
    base = slugify(f"{name} {provider.organisation.name}")[:200] or "service"
    slug, counter = base, 2
    while Service.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _check_content(content: dict) -> None:
    if content["price_min"] > content["price_max"]:
        raise ValidationError({"price_min": "The minimum price must not be more than the maximum price"})
    if not content.get("price_unit"):
        raise ValidationError({"price_unit": "Select what the price is for"})


def _site_url(path: str) -> str:
    """An absolute address for emails, which are read outside the site."""
    return absolute_url(path)


def _submission_kind(service: Service) -> str:
    if service.withdrawn:
        return "a re-submission of the withdrawn listing"
    return "a change to" if service.is_published else "a new listing"


def _moderator_emails() -> list[str]:
    from accounts.roles import MODERATORS_GROUP

    return list(User.objects.filter(groups__name=MODERATORS_GROUP, is_active=True).values_list("email", flat=True))


def _notify_moderators(revision: ServiceRevision) -> None:
    emails = _moderator_emails()
    if emails:
        subject = f"Marketplace listing to moderate: {revision.name}"
        body = (
            f"{revision.service.provider.name} has submitted "
            f"{_submission_kind(revision.service)} "
            f"“{revision.name}”. Review it at {_site_url('/marketplace/moderation/')}."
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, emails))


@transaction.atomic
def service_submit(
    *,
    provider: Provider,
    user: User,
    content: dict,
    service: Service | None = None,
) -> ServiceRevision:
    """A provider's staff submit a new listing or a change; nothing is public until approved.

    For a new listing an unpublished Service is created to hold the slug. A change to a
    published service leaves the service untouched: only a moderator's approval copies it.
    An earlier change still waiting is replaced by this one.
    """
    if not user_manages_provider(user=user, provider=provider):
        raise PermissionDenied("You do not manage this provider's listings.")
    _check_content(content)
    fields = {name: content[name] for name in CONTENT_FIELDS if name in content}
    if service is None:
        service = Service.objects.create(
            provider=provider,
            slug=_unique_service_slug(fields["name"], provider),
            is_published=False,
            **fields,
        )
    elif service.provider_id != provider.pk:
        raise PermissionDenied("That service belongs to another provider.")
    service.revisions.filter(status=RevisionStatus.PENDING).delete()
    revision = ServiceRevision.objects.create(service=service, submitted_by=user, **fields)
    transaction.on_commit(lambda: _notify_moderators(revision))
    return revision


@transaction.atomic
def service_withdraw(*, service: Service, user: User) -> Service:
    """The provider's staff take a listing off the marketplace; they can re-submit it later.

    Reviews are kept for when it returns. A change still waiting for moderation is cancelled,
    so approving it cannot list the service again against the provider's wishes.
    """
    if not user_manages_provider(user=user, provider=service.provider):
        raise PermissionDenied("You do not manage this provider's listings.")
    service = Service.objects.select_for_update().get(pk=service.pk)
    if not service.is_listed:
        raise ValidationError("This listing is not on the marketplace.")
    service.withdrawn = True
    service.withdrawn_at = timezone.now()
    service.save(update_fields=["withdrawn", "withdrawn_at", "updated_at"])
    service.revisions.filter(status=RevisionStatus.PENDING).delete()
    transaction.on_commit(listing_reindex)
    return service


def _staff_emails(provider: Provider) -> list[str]:
    return list(provider.staff.filter(is_active=True).values_list("email", flat=True))


@transaction.atomic
def revision_approve(*, revision: ServiceRevision, moderator: User) -> Service:
    """Copy an approved revision onto the public service and publish it."""
    if not is_site_moderator(moderator):
        raise PermissionDenied("Only moderators can approve listings.")
    revision = ServiceRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError("This change has already been decided.")
    service = revision.service
    for name in CONTENT_FIELDS:
        setattr(service, name, getattr(revision, name))
    now = timezone.now()
    if not service.is_published:
        service.published_at = now
    service.is_published = True
    # A withdrawn listing re-submitted by its provider is listed again once approved.
    service.withdrawn = False
    service.withdrawn_at = None
    service.save()
    transaction.on_commit(listing_reindex)
    revision.status = RevisionStatus.APPROVED
    revision.decided_by = moderator
    revision.decided_at = now
    revision.save(update_fields=["status", "decided_by", "decided_at"])
    emails = _staff_emails(service.provider)
    if emails:
        transaction.on_commit(
            lambda: send_mail(
                f"Your listing is live: {service.name}",
                f"Your listing “{service.name}” has been approved and is now public at {_site_url(service.get_absolute_url())}.",
                None,
                emails,
            )
        )
    return service


@transaction.atomic
def revision_reject(*, revision: ServiceRevision, moderator: User, note: str) -> ServiceRevision:
    """Return a change to the provider with a reason; the public version is unchanged."""
    if not is_site_moderator(moderator):
        raise PermissionDenied("Only moderators can return listings.")
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError("This change has already been decided.")
    if not note.strip():
        raise ValidationError({"note": "Say why the listing is being returned"})
    revision.status = RevisionStatus.REJECTED
    revision.decided_by = moderator
    revision.decided_at = timezone.now()
    revision.decision_note = note.strip()
    revision.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    emails = _staff_emails(revision.service.provider)
    if emails:
        transaction.on_commit(
            lambda: send_mail(
                f"Your listing needs changes: {revision.name}",
                f"A moderator returned your listing “{revision.name}”:\n\n{revision.decision_note}\n\n"
                f"Edit it from {_site_url('/marketplace/provider/')} and submit it again.",
                None,
                emails,
            )
        )
    return revision


# --- Reviews -------------------------------------------------------------------------------


@transaction.atomic
def service_ratings_refresh(*, service: Service) -> Service:
    """Recompute the service's stored averages and Bayesian score from its published reviews."""
    stats = service.reviews.filter(status=ReviewStatus.PUBLISHED).aggregate(
        count=Count("id"),
        experience=Avg("rating_experience"),
        value=Avg("rating_value"),
        outcomes=Avg("rating_outcomes"),
        total=Sum("rating_experience") + Sum("rating_value") + Sum("rating_outcomes"),
        recommend=Count("id", filter=Q(would_recommend=True)),
    )
    count = stats["count"]

    def two(value):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)

    # Each review's own score is the mean of its three ratings.
    rating_sum = Decimal(stats["total"] or 0) / 3
    service.review_count = count
    service.experience_average = two(stats["experience"])
    service.value_average = two(stats["value"])
    service.outcomes_average = two(stats["outcomes"])
    service.rating_average = two(rating_sum / count) if count else None
    service.rating_score = bayesian_score(rating_sum=rating_sum, count=count)
    service.recommend_count = stats["recommend"]
    service.save(
        update_fields=[
            "review_count",
            "experience_average",
            "value_average",
            "outcomes_average",
            "rating_average",
            "rating_score",
            "recommend_count",
            "updated_at",
        ]
    )
    transaction.on_commit(listing_reindex)
    return service


@transaction.atomic
def review_submit(
    *,
    service: Service,
    user: User,
    used_in,
    how_used: str,
    rating_experience: int,
    rating_value: int,
    rating_outcomes: int,
    would_recommend: bool,
    text: str,
) -> Review:
    """Write or update the user's one review of a service and refresh its scores."""
    if not user_may_review(user):
        raise ReviewNotAllowed("Only people from a council or fire and rescue service can review services.")
    if not service.is_listed:
        raise PermissionDenied("This service is not listed.")
    if user.provider_roles.filter(pk=service.provider_id).exists():
        raise ReviewNotAllowed("You cannot review your own organisation's service.")
    for rating in (rating_experience, rating_value, rating_outcomes):
        if not 1 <= int(rating) <= 5:
            raise ValidationError("Ratings are from 1 to 5.")
    values = {
        "organisation": user.organisation,
        "used_in": used_in,
        "how_used": how_used,
        "rating_experience": rating_experience,
        "rating_value": rating_value,
        "rating_outcomes": rating_outcomes,
        "would_recommend": would_recommend,
        "text": text.strip(),
    }
    review = Review.objects.filter(service=service, author=user).first()
    if review is None:
        try:
            with transaction.atomic():
                review = Review.objects.create(service=service, author=user, **values)
        except IntegrityError:
            # Two submissions raced: the second becomes an update of the first.
            review = Review.objects.get(service=service, author=user)
    for name, value in values.items():
        setattr(review, name, value)
    review.save()
    service_ratings_refresh(service=service)
    return review


@transaction.atomic
def review_remove(*, review: Review, moderator: User, reason: str) -> Review:
    """A moderator removes an abusive review; the reasons on offer never include negativity."""
    from marketplace.models import RemovalReason

    if not is_site_moderator(moderator):
        raise PermissionDenied("Only moderators can remove reviews.")
    if reason not in RemovalReason.values:
        raise ValidationError({"reason": "Choose why the review breaks the rules"})
    review.status = ReviewStatus.REMOVED
    review.removal_reason = reason
    review.save(update_fields=["status", "removal_reason", "updated_at"])
    _reports_decide(review=review, moderator=moderator, status=ReportStatus.REMOVED)
    service_ratings_refresh(service=review.service)
    return review


def _reports_decide(*, review: Review, moderator: User, status: str) -> int:
    return review.reports.filter(status=ReportStatus.OPEN).update(
        status=status, decided_by=moderator, decided_at=timezone.now()
    )


@transaction.atomic
def review_report(*, review: Review, user: User, reason: str, details: str = "") -> ReviewReport:
    """Any signed-in person reports a review as breaking the rules; moderators are told.

    The review stays published until a moderator decides: a report is a request for a
    decision, never a vote, and being negative is not one of the reasons on offer.
    """
    from marketplace.models import RemovalReason

    if not user.is_authenticated:
        raise PermissionDenied("Sign in to report a review.")
    if review.status != ReviewStatus.PUBLISHED:
        raise ValidationError("This review has already been removed.")
    if review.author_id == user.pk:
        raise ValidationError("You cannot report your own review: update or remove it instead.")
    if reason not in RemovalReason.values:
        raise ValidationError({"reason": "Select why the review breaks the rules"})
    if ReviewReport.objects.filter(review=review, reporter=user).exists():
        raise ValidationError("You have already reported this review. A moderator will look at it.")
    try:
        with transaction.atomic():
            report = ReviewReport.objects.create(review=review, reporter=user, reason=reason, details=details.strip())
    except IntegrityError:
        raise ValidationError("You have already reported this review. A moderator will look at it.") from None
    emails = _moderator_emails()
    if emails:
        subject = f"Review reported: {review.service.name}"
        body = (
            f"A review of “{review.service.name}” was reported as: {report.get_reason_display()}. "
            f"Decide at {_site_url('/marketplace/moderation/')}."
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, emails))
    return report


@transaction.atomic
def review_keep(*, review: Review, moderator: User) -> int:
    """A moderator decides the reported review breaks no rule: its open reports are closed."""
    if not is_site_moderator(moderator):
        raise PermissionDenied("Only moderators can decide on reported reviews.")
    return _reports_decide(review=review, moderator=moderator, status=ReportStatus.KEPT)


@transaction.atomic
def review_reply(*, review: Review, user: User, text: str) -> ReviewReply:
    """The provider's staff reply publicly to a review, once."""
    provider = review.service.provider
    if not user_manages_provider(user=user, provider=provider):
        raise PermissionDenied("Only the provider's staff can reply to its reviews.")
    if not text.strip():
        raise ValidationError({"text": "Enter your reply"})
    if ReviewReply.objects.filter(review=review).exists():
        raise ValidationError("This review already has a reply from the provider.")
    try:
        with transaction.atomic():
            reply = ReviewReply.objects.create(review=review, author=user, text=text.strip())
    except IntegrityError:
        raise ValidationError("This review already has a reply from the provider.") from None
    reviewer_email = review.author.email
    transaction.on_commit(
        lambda: send_mail(
            f"{provider.name} replied to your review",
            f"{provider.name} replied to your review of “{review.service.name}”:\n\n{reply.text}",
            None,
            [reviewer_email],
        )
    )
    return reply


# --- Shortlists ----------------------------------------------------------------------------

SESSION_KEY = "marketplace_shortlist"
NEED_SESSION_KEY = "marketplace_need"


def need_remember(*, request, need) -> None:
    """Keep the quantities the officer last priced, so their shortlist compares on them."""
    data = {"days": need.days, "people": need.people, "months": need.months}
    if request.session.get(NEED_SESSION_KEY) != data:
        request.session[NEED_SESSION_KEY] = data


class ShortlistFull(ValidationError):
    pass


def _shortlist_for(user: User) -> Shortlist:
    shortlist, _ = Shortlist.objects.get_or_create(owner=user)
    return shortlist


@transaction.atomic
def shortlist_add(*, request, service: Service) -> list[int]:
    """Add a listed service to the visitor's shortlist (session, or saved when signed in)."""
    if not service.is_listed:
        raise ValidationError("This service is not listed.")
    if request.user.is_authenticated:
        shortlist = _shortlist_for(request.user)
        ids = list(shortlist.items.values_list("service_id", flat=True))
        if service.pk in ids:
            return ids
        if len(ids) >= SHORTLIST_LIMIT:
            raise ShortlistFull(f"You can shortlist up to {SHORTLIST_LIMIT} services")
        ShortlistItem.objects.create(shortlist=shortlist, service=service)
        shortlist.save(update_fields=["updated_at"])
        return [*ids, service.pk]
    ids = list(request.session.get(SESSION_KEY, []))
    if service.pk in ids:
        return ids
    if len(ids) >= SHORTLIST_LIMIT:
        raise ShortlistFull(f"You can shortlist up to {SHORTLIST_LIMIT} services")
    ids.append(service.pk)
    request.session[SESSION_KEY] = ids
    return ids


@transaction.atomic
def shortlist_remove(*, request, service_id: int) -> None:
    if request.user.is_authenticated:
        ShortlistItem.objects.filter(shortlist__owner=request.user, service_id=service_id).delete()
    else:
        request.session[SESSION_KEY] = [pk for pk in request.session.get(SESSION_KEY, []) if pk != service_id]


@transaction.atomic
def shortlist_save(
    *,
    user: User,
    title: str,
    notes: str = "",
    need_days: int | None = None,
    need_people: int | None = None,
    need_months: int | None = None,
) -> Shortlist:
    """Name the signed-in user's shortlist and record the need it is priced for."""
    shortlist = _shortlist_for(user)
    shortlist.title = title.strip()
    shortlist.notes = notes.strip()
    shortlist.need_days = need_days
    shortlist.need_people = need_people
    shortlist.need_months = need_months
    shortlist.save()
    return shortlist


@transaction.atomic
def shortlist_merge_session(*, request) -> None:
    """Move an anonymous visitor's shortlist into their saved one once they sign in."""
    ids = request.session.pop(SESSION_KEY, None)
    if not ids or not request.user.is_authenticated:
        return
    shortlist = _shortlist_for(request.user)
    existing = list(shortlist.items.values_list("service_id", flat=True))
    room = SHORTLIST_LIMIT - len(existing)
    to_add = [pk for pk in ids if pk not in existing][: max(room, 0)]
    for service in Service.objects.listed().filter(pk__in=to_add):
        ShortlistItem.objects.get_or_create(shortlist=shortlist, service=service)
