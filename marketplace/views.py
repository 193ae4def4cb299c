"""Thin views: read the request with a form, call a selector or service, render GOV.UK pages."""

import csv
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.roles import is_site_moderator
from home.links import absolute_url
from marketplace import selectors, services
from marketplace.forms import (
    NeedForm,
    RejectForm,
    RemoveReviewForm,
    ReplyForm,
    ReportReviewForm,
    ReviewForm,
    ServiceFilterForm,
    ServiceForm,
    ShortlistSaveForm,
    ShortlistServiceForm,
)
from marketplace.models import (
    CONTENT_FIELDS,
    SHORTLIST_LIMIT,
    Provider,
    Review,
    ReviewStatus,
    RevisionStatus,
    Service,
    ServiceRevision,
    Shortlist,
)
from marketplace.templatetags.marketplace_tags import cost as cost_html
from marketplace.templatetags.marketplace_tags import rating as rating_html
from marketplace.text import render_markdown


class CountedPaginator(Paginator):
    """A paginator told the total up front (the listing counts it with the filter options)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


def _marketplace_page():
    from marketplace.models import MarketplaceIndexPage

    return MarketplaceIndexPage.objects.live().first()


def service_list(request, page=None):
    """The listing at /marketplace/ (served through MarketplaceIndexPage)."""
    # Always bound: an empty query string is a valid "no filters", a mistyped one is reported.
    form = ServiceFilterForm(request.GET)
    filters = form.filters()
    search = selectors.service_search(filters=filters)
    per_page = form.cleaned_data.get("per_page") or 20
    paginator = CountedPaginator(search.services, per_page, count=search.total)
    page_obj = paginator.get_page(request.GET.get("page"))
    need = filters.need
    if any((need.days, need.people, need.months)):
        services.need_remember(request=request, need=need)
    shortlisted = set(selectors.shortlist_service_ids(request=request))
    results = _listing_rows(page_obj.object_list, need=need, shortlisted=shortlisted)
    return render(
        request,
        "marketplace/marketplace_index_page.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "need": need,
            "need_given": any((need.days, need.people, need.months)),
            "need_query": _need_query(need),
            "search": search,
            "page_obj": page_obj,
            "results": results,
            "result_count": paginator.count,
            "shortlist_count": len(shortlisted),
            "shortlist_limit": SHORTLIST_LIMIT,
            "facet_groups": [
                ("category", "Category", search.facets["category"]),
                ("region", "Region or nation covered", search.facets["region"]),
                ("delivery", "Delivery", search.facets["delivery"]),
                ("offer", "Free or subsidised for councils", search.facets["offer"]),
                ("kind", "Organisations served", search.facets["kind"]),
            ],
        },
    )


def _listing_rows(page: list[selectors.ListedService], *, need, shortlisted: set[int]) -> list[dict]:
    """What each result shows, as plain values: a page of 100 renders without an attribute
    lookup, a URL reversal or a template tag per row."""
    # Slugs are URL-safe, so one reversal serves every row.
    detail = reverse("marketplace:service_detail", kwargs={"slug": "-"})
    need_query = _need_query(need)
    rows = []
    for service in page:
        url = detail.replace("/-/", f"/{service.slug}/")
        rows.append(
            {
                "service": service,
                "name": service.name,
                "url": f"{url}?{need_query}" if need_query else url,
                "provider": service.provider_name,
                "category": service.category_label,
                "offer": service.offer_label,
                "summary": service.summary,
                "price": service.price_text,
                "cost": cost_html(service.cost_for(need), need),
                "rating": rating_html(service),
                "delivery": service.delivery_label,
                "duration": service.typical_duration,
                "shortlisted": service.pk in shortlisted,
            }
        )
    return rows


def service_detail(request, slug):
    service = selectors.service_public_get(slug=slug)
    if service is None:
        raise Http404("No such service")
    need_form = NeedForm(request.GET)
    need = need_form.need()
    reviews = Paginator(selectors.service_reviews(service=service), 10).get_page(request.GET.get("page"))
    user = request.user
    own_review = Review.objects.filter(service=service, author=user).first() if user.is_authenticated else None
    manages = services.user_manages_provider(user=user, provider=service.provider)
    return render(
        request,
        "marketplace/service_detail.html",
        {
            "service": service,
            "description_html": render_markdown(service.description),
            "about_html": render_markdown(service.provider.about),
            "need_form": need_form,
            "need": need,
            "cost": service.cost_for(need),
            "reviews": reviews,
            "page_obj": reviews,
            "own_review": own_review,
            "may_review": services.user_may_review(user) and not manages,
            "manages": manages,
            "is_moderator": is_site_moderator(user),
            "shortlisted": service.pk in selectors.shortlist_service_ids(request=request),
            "shortlist_limit": SHORTLIST_LIMIT,
        },
    )


@login_required
def review_form(request, slug):
    service = selectors.service_public_get(slug=slug)
    if service is None:
        raise Http404("No such service")
    if not services.user_may_review(request.user):
        return render(request, "marketplace/review_not_allowed.html", {"service": service}, status=403)
    existing = Review.objects.filter(service=service, author=request.user).first()
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review_submit(
                    service=service,
                    user=request.user,
                    used_in=data["used_in"],
                    how_used=data["how_used"],
                    rating_experience=data["rating_experience"],
                    rating_value=data["rating_value"],
                    rating_outcomes=data["rating_outcomes"],
                    would_recommend=data["would_recommend"],
                    text=data["text"],
                )
            except PermissionDenied as error:
                return render(
                    request,
                    "marketplace/review_not_allowed.html",
                    {"service": service, "reason": str(error)},
                    status=403,
                )
            messages.success(
                request, "Your review has been updated" if existing else "Thank you: your review is published"
            )
            return redirect(service.get_absolute_url() + "#reviews")
    else:
        initial = {}
        if existing:
            initial = {
                "used_month": existing.used_in.month,
                "used_year": existing.used_in.year,
                "how_used": existing.how_used,
                "rating_experience": existing.rating_experience,
                "rating_value": existing.rating_value,
                "rating_outcomes": existing.rating_outcomes,
                "would_recommend": "yes" if existing.would_recommend else "no",
                "text": existing.text,
            }
        form = ReviewForm(initial=initial)
    return render(
        request,
        "marketplace/review_form.html",
        {"service": service, "form": form, "existing": existing},
    )


@login_required
def review_reply(request, pk):
    review = get_object_or_404(
        Review.objects.select_related("service__provider__organisation", "organisation"),
        pk=pk,
        service__is_published=True,
        service__withdrawn=False,
    )
    if not services.user_manages_provider(user=request.user, provider=review.service.provider):
        raise PermissionDenied
    if hasattr(review, "reply"):
        messages.info(request, "You have already replied to this review")
        return redirect(review.service.get_absolute_url() + f"#review-{review.pk}")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_reply(review=review, user=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your reply is published")
            return redirect(review.service.get_absolute_url() + f"#review-{review.pk}")
    return render(request, "marketplace/review_reply.html", {"review": review, "form": form})


@login_required
def review_remove(request, pk):
    if not is_site_moderator(request.user):
        raise PermissionDenied
    review = get_object_or_404(Review.objects.select_related("service"), pk=pk)
    form = RemoveReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.review_remove(review=review, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "The review has been removed")
        return redirect(review.service.get_absolute_url())
    return render(request, "marketplace/review_remove.html", {"review": review, "form": form})


@login_required
def review_report(request, pk):
    review = get_object_or_404(
        Review.objects.select_related("service", "organisation"),
        pk=pk,
        status=ReviewStatus.PUBLISHED,
        service__is_published=True,
        service__withdrawn=False,
    )
    back = review.service.get_absolute_url() + f"#review-{review.pk}"
    if review.author_id == request.user.pk:
        messages.info(request, "This is your review: you can update it instead of reporting it")
        return redirect(back)
    form = ReportReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_report(
                review=review,
                user=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you: a moderator will check the review. It stays up while they do.")
            return redirect(back)
    return render(request, "marketplace/review_report.html", {"review": review, "form": form, "back": back})


@login_required
@require_POST
def review_keep(request, pk):
    if not is_site_moderator(request.user):
        raise PermissionDenied
    review = get_object_or_404(Review.objects.select_related("service"), pk=pk)
    services.review_keep(review=review, moderator=request.user)
    messages.success(request, f"The review of “{review.service.name}” stays published and its reports are closed")
    return redirect("marketplace:moderation_queue")


# --- Shortlist and comparison --------------------------------------------------------------


def _safe_next(request, fallback: str) -> str:
    """Where a shortlist button sends its visitor back to: a path on this site, or `fallback`.

    Only an absolute path is taken (never a bare word, which `redirect()` would read as a URL
    pattern name, nor another host); callers redirect to it as a URL, not through `redirect()`.
    """
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _shortlist_service_id(request, action: str) -> int | None:
    """The service id a shortlist button sent, or None with the reason queued for the page."""
    form = ShortlistServiceForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["service"]
    messages.error(request, f"Choose a service to {action} your shortlist")
    return None


@require_POST
def shortlist_add(request):
    back = HttpResponseRedirect(_safe_next(request, reverse("marketplace:shortlist")))
    service_id = _shortlist_service_id(request, "add to")
    if service_id is None:
        return back
    service = get_object_or_404(Service.objects.listed(), pk=service_id)
    try:
        services.shortlist_add(request=request, service=service)
    except services.ShortlistFull:
        messages.error(
            request,
            f"Your shortlist already has {SHORTLIST_LIMIT} services: remove one to add “{service.name}”",
        )
    else:
        messages.success(request, f"“{service.name}” added to your shortlist")
    return back


@require_POST
def shortlist_remove(request):
    service_id = _shortlist_service_id(request, "remove from")
    if service_id is not None:
        services.shortlist_remove(request=request, service_id=service_id)
        messages.success(request, "Removed from your shortlist")
    return HttpResponseRedirect(_safe_next(request, reverse("marketplace:shortlist")))


def _need_params(need) -> list[tuple[str, int]]:
    return [(name, getattr(need, name)) for name in ("days", "people", "months") if getattr(need, name)]


def _need_query(need) -> str:
    return urlencode(_need_params(need))


def _compare_query(shortlisted: list[Service], need) -> str:
    params = [("s", service.slug) for service in shortlisted]
    return urlencode(params + _need_params(need))


def shortlist(request):
    if request.user.is_authenticated:
        services.shortlist_merge_session(request=request)
    shortlisted = selectors.shortlist_services(request=request)
    saved = Shortlist.objects.filter(owner=request.user).first() if request.user.is_authenticated else None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        form = ShortlistSaveForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.shortlist_save(
                user=request.user,
                title=data["title"],
                notes=data["notes"],
                need_days=data["days"],
                need_people=data["people"],
                need_months=data["months"],
            )
            messages.success(request, "Your shortlist is saved")
            return redirect("marketplace:shortlist")
    else:
        initial = {}
        if saved:
            initial = {
                "title": saved.title,
                "notes": saved.notes,
                "days": saved.need_days,
                "people": saved.need_people,
                "months": saved.need_months,
            }
    # Price the comparison for the saved shortlist's need, else the one last given on the listing.
    if saved and any((saved.need_days, saved.need_people, saved.need_months)):
        need_data = {"days": saved.need_days, "people": saved.need_people, "months": saved.need_months}
    else:
        need_data = request.session.get(services.NEED_SESSION_KEY, {})
    if request.method != "POST":
        form = ShortlistSaveForm(initial={**need_data, **{k: v for k, v in initial.items() if v}})
    need_form = NeedForm(need_data)
    return render(
        request,
        "marketplace/shortlist.html",
        {
            "shortlisted": shortlisted,
            "saved": saved,
            "form": form,
            "compare_query": _compare_query(shortlisted, need_form.need()),
            "shortlist_limit": SHORTLIST_LIMIT,
        },
    )


def _comparison(request):
    need_form = NeedForm(request.GET)
    need = need_form.need()
    compared = selectors.service_compare_list(slugs=request.GET.getlist("s"))
    rows = [{"service": service, "cost": service.cost_for(need)} for service in compared]
    return need_form, need, compared, rows


def compare(request):
    need_form, need, compared, rows = _comparison(request)
    query = _compare_query(compared, need)
    return render(
        request,
        "marketplace/compare.html",
        {
            "form": need_form,
            "need_form": need_form,
            "need": need,
            "rows": rows,
            "compared": compared,
            "query": query,
            "share_url": absolute_url(f"{reverse('marketplace:compare')}?{query}"),
        },
    )


def compare_print(request):
    _need_form, need, compared, rows = _comparison(request)
    query = _compare_query(compared, need)
    for row in rows:
        # The printable page lists each service on its own, reusing the comparison's rows.
        row["single"] = [row]
    return render(
        request,
        "marketplace/compare_print.html",
        {
            "need": need,
            "rows": rows,
            "generated": timezone.localtime(),
            "share_url": absolute_url(f"{reverse('marketplace:compare')}?{query}"),
        },
    )


CSV_COLUMNS = [
    "Service",
    "Provider",
    "Provider contacts verified",
    "Category",
    "Listed price",
    "Price unit",
    "Price interval",
    "VAT",
    "Minimum price (GBP)",
    "Maximum price (GBP)",
    "Need priced",
    "Cost for need, low (GBP, incl. VAT where charged)",
    "Cost for need, high (GBP, incl. VAT where charged)",
    "Cost note",
    "Free or subsidised",
    "Offer details",
    "Customer experience (of 5)",
    "Value for money (of 5)",
    "Outcomes (of 5)",
    "Average rating (of 5)",
    "Number of reviews",
    "Would recommend (%)",
    "Delivery",
    "Typical duration",
    "Coverage",
    "Organisations served",
    "Web page",
]


def _csv_safe(value) -> str:
    """Neutralise spreadsheet formulas in text providers wrote (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def compare_csv(request):
    _need_form, need, _compared, rows = _comparison(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="marketplace-comparison-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the pound signs as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        service, cost = row["service"], row["cost"]
        writer.writerow(
            [
                _csv_safe(value)
                for value in [
                    service.name,
                    service.provider.name,
                    "Yes" if service.provider.contacts_verified else "No",
                    service.get_category_display(),
                    service.price_text,
                    service.get_price_unit_display(),
                    service.get_price_interval_display(),
                    service.get_vat_display(),
                    service.price_min,
                    service.price_max,
                    need.describe() or "None given",
                    cost.low,
                    cost.high,
                    cost.reason,
                    service.get_council_offer_display() if service.council_offer else "No",
                    service.council_offer_details,
                    service.experience_average,
                    service.value_average,
                    service.outcomes_average,
                    service.rating_average,
                    service.review_count,
                    service.recommend_percent,
                    service.get_delivery_mode_display(),
                    service.typical_duration,
                    service.coverage_text,
                    "; ".join(service.kinds_served_labels),
                    absolute_url(service.get_absolute_url()),
                ]
            ]
        )
    return response


# --- Providers ------------------------------------------------------------------------------


@login_required
def provider_dashboard(request):
    providers = selectors.provider_for_user(user=request.user)
    return render(
        request,
        "marketplace/provider_dashboard.html",
        {
            "providers": [
                {"provider": provider, "services": selectors.provider_services(provider=provider)}
                for provider in providers
            ]
        },
    )


def _managed_provider(request, pk) -> Provider:
    provider = get_object_or_404(Provider.objects.select_related("organisation"), pk=pk)
    if not services.user_manages_provider(user=request.user, provider=provider):
        raise PermissionDenied
    return provider


@login_required
def service_create(request, provider_pk):
    provider = _managed_provider(request, provider_pk)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.service_submit(provider=provider, user=request.user, content=form.content())
        messages.success(request, "Your listing has been sent for moderation. It will be public once approved.")
        return redirect("marketplace:provider_dashboard")
    return render(request, "marketplace/service_form.html", {"form": form, "provider": provider, "service": None})


@login_required
def service_edit(request, slug):
    service = get_object_or_404(Service.objects.select_related("provider__organisation"), slug=slug)
    provider = _managed_provider(request, service.provider_id)
    pending = service.revisions.filter(status=RevisionStatus.PENDING).first()
    # Start from the change still waiting, if any, otherwise from the public version.
    source = pending or service
    draft = ServiceRevision(**{name: getattr(source, name) for name in CONTENT_FIELDS})
    form = ServiceForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        services.service_submit(provider=provider, user=request.user, content=form.content(), service=service)
        if service.withdrawn:
            message = "Your listing has been re-submitted for moderation. It will be listed again once approved."
        elif service.is_published:
            message = "Your change has been sent for moderation. The current version stays public until it is approved."
        else:
            message = "Your listing has been sent for moderation. It will be public once approved."
        messages.success(request, message)
        return redirect("marketplace:provider_dashboard")
    return render(
        request,
        "marketplace/service_form.html",
        {"form": form, "provider": provider, "service": service, "pending": pending},
    )


@login_required
def service_withdraw(request, slug):
    service = get_object_or_404(Service.objects.select_related("provider__organisation"), slug=slug)
    _managed_provider(request, service.provider_id)
    if not service.is_listed:
        messages.info(request, f"“{service.name}” is not on the marketplace")
        return redirect("marketplace:provider_dashboard")
    if request.method == "POST":
        services.service_withdraw(service=service, user=request.user)
        messages.success(
            request,
            f"“{service.name}” is withdrawn from the marketplace. You can re-submit it for moderation at any time.",
        )
        return redirect("marketplace:provider_dashboard")
    pending = service.revisions.filter(status=RevisionStatus.PENDING).exists()
    return render(request, "marketplace/service_withdraw.html", {"service": service, "pending": pending})


# --- Moderation -----------------------------------------------------------------------------


REPORTED_SHOWN = 50


@login_required
def moderation_queue(request):
    if not is_site_moderator(request.user):
        raise PermissionDenied
    page_obj = Paginator(selectors.revisions_pending(), 20).get_page(request.GET.get("page"))
    # Reported reviews are few; the longest waiting come first and 50 at a time is plenty.
    reported = list(selectors.reviews_reported()[:REPORTED_SHOWN])
    return render(
        request,
        "marketplace/moderation_queue.html",
        {"page_obj": page_obj, "reported": reported, "reported_shown": REPORTED_SHOWN},
    )


@login_required
def moderation_decide(request, pk):
    if not is_site_moderator(request.user):
        raise PermissionDenied
    revision = get_object_or_404(
        ServiceRevision.objects.select_related("service__provider__organisation", "submitted_by"),
        pk=pk,
    )
    form = RejectForm(request.POST if request.POST.get("decision") == "reject" else None)
    if request.method == "POST" and revision.status == RevisionStatus.PENDING:
        if request.POST.get("decision") == "approve":
            services.revision_approve(revision=revision, moderator=request.user)
            messages.success(request, f"“{revision.name}” is approved and public")
            return redirect("marketplace:moderation_queue")
        if form.is_valid():
            services.revision_reject(revision=revision, moderator=request.user, note=form.cleaned_data["note"])
            messages.success(request, f"“{revision.name}” was returned to the provider")
            return redirect("marketplace:moderation_queue")
    return render(
        request,
        "marketplace/moderation_decide.html",
        {
            "revision": revision,
            "service": revision.service,
            "changes": selectors.revision_changes(revision=revision),
            "form": form,
        },
    )
