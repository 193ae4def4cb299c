"""Thin views: validate the query string, ask a selector, render."""

from django.apps import apps
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from accounts.models import Profile
from accounts.text import render_markdown
from search.backends.base import FACET_TITLES, FACETS
from search.forms import PeopleSearchForm, SiteSearchForm
from search.models import PersonEntry
from search.selectors import (
    expert_search,
    people_similar,
    site_suggest,
    viewer_level,
)
from search.selectors import (
    site_search as site_search_selector,
)


def people_finder(request, *, page):
    """The expert finder: free text, facets, ranked and explained results, people like you."""
    form = PeopleSearchForm(request.GET)
    text, page_number = "", 1
    if form.is_valid():
        text = form.cleaned_data["q"].strip()
        page_number = form.cleaned_data["page"] or 1
    filters = form.filters(request.GET)
    results = expert_search(user=request.user, text=text, filters=filters, page=page_number)
    from django.core.paginator import Paginator

    # A paginator over the total only, for the shared pagination include.
    paginator = Paginator(range(results.total), results.query.per_page)
    page_obj = paginator.get_page(results.query.page)
    like_you = []
    if request.user.is_authenticated and not text and not filters:
        profile = Profile.objects.filter(user=request.user).first()
        if profile:
            like_you = people_similar(user=request.user, profile_id=profile.pk, limit=4)
    facets = [
        {
            "key": facet,
            "title": FACET_TITLES[facet],
            "values": results.facets.get(facet, []),
            "open": bool(results.query.filters.get(facet)),
        }
        for facet in FACETS
    ]
    selected = [(facet, value) for facet, values in results.query.filters.items() for value in values]
    labels = {(facet["key"], value.value): value.label for facet in facets for value in facet["values"]}
    return TemplateResponse(
        request,
        "search/people_index_page.html",
        {
            "page": page,
            "self": page,
            "form": form,
            "query": text,
            "results": results,
            "page_obj": page_obj,
            "facets": facets,
            "selected_filters": [
                {
                    "facet": facet,
                    "value": value,
                    "label": labels.get((facet, value), value),
                    "facet_title": FACET_TITLES[facet],
                }
                for facet, value in selected
            ],
            "like_you": like_you,
        },
    )


def person_detail(request, handle):
    """A person's profile, showing each field only to the audience its owner chose."""
    profile = get_object_or_404(
        Profile.objects.select_related("user", "user__organisation"),
        handle=handle,
        user__is_active=True,
    )
    viewer = request.user
    user = profile.user
    organisation = user.organisation if profile.can_see("organisation", viewer) else None
    entry = PersonEntry.objects.filter(pk=profile.pk).first()
    communities = []
    if apps.is_installed("communities"):
        # The communities app decides which of their communities this viewer may see.
        from communities.selectors import person_communities

        communities = person_communities(person=user, viewer=viewer)
    context = {
        "profile": profile,
        "person": user,
        "is_owner": viewer.is_authenticated and viewer.pk == user.pk,
        "email": user.email if profile.can_see("email", viewer) else "",
        "job_title": profile.job_title if profile.can_see("job_title", viewer) else "",
        "organisation": organisation,
        "sector": profile.get_sector_display() if profile.can_see("sector", viewer) else "",
        "bio": render_markdown(profile.bio) if profile.bio and profile.can_see("bio", viewer) else "",
        "skills": sorted(profile.skills.names()) if profile.can_see("skills", viewer) else [],
        "interests": sorted(profile.interests.names()) if profile.can_see("interests", viewer) else [],
        "contributions": (entry.contribution_summary if entry else {}) or {},
        "communities": communities,
        "similar": people_similar(user=viewer, profile_id=profile.pk),
        "level": viewer_level(viewer),
    }
    return render(request, "search/person_detail.html", context)


def site_search(request):
    """One search box across the Hub, grouped by type, with a type filter."""
    form = SiteSearchForm(request.GET)
    query, kind, page_number = "", "", 1
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        kind = form.cleaned_data["type"] or ""
        page_number = form.cleaned_data["page"] or 1
    results = site_search_selector(query=query, user=request.user, kind=kind, page_number=page_number)
    if kind and not any(group.key == kind for group in results.groups) and query:
        raise Http404("No such result type")
    selected_group = next((g for g in results.groups if g.key == kind), None)
    page_obj = None
    if selected_group:
        from django.core.paginator import Paginator

        page_obj = Paginator(range(selected_group.total), 20).get_page(page_number)
    return render(
        request,
        "search/site_search.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "selected_group": selected_group,
            "page_obj": page_obj,
        },
    )


@require_GET
def suggest(request):
    """Search-as-you-type for the header box: a few people and pages, as JSON."""
    query = request.GET.get("q", "")[:100]
    hits = site_suggest(query=query, user=request.user)
    response = JsonResponse(
        {
            "query": query,
            "results": [{"title": hit.title, "url": hit.url, "kind": hit.kind, "meta": hit.meta} for hit in hits],
        }
    )
    # Results depend on who is asking: never share them between people through a cache.
    response["Cache-Control"] = "private, max-age=30"
    response["Vary"] = "Cookie"
    return response
