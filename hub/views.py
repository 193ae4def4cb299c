"""Views of the good practice library outside Wagtail's page serving.

The library's pages themselves are Wagtail pages; `cached_serve` puts a whole-page cache for
anonymous visitors in front of them. Everything here is thin: a form, a service or selector,
a template.
"""

import re

from django_comments_xtd.models import XtdComment

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache as django_cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from wagtail import views as wagtail_views
from wagtail.models import Site

from accounts.roles import is_site_moderator
from hub import cache, selectors, services
from hub.forms import STEPS, CommentForm, RemovalForm
from hub.models import GoodPracticeIndexPage, GoodPracticePage

CACHEABLE_HEADERS = ("Content-Type", "Content-Language")


def _anonymous_and_cacheable(request) -> bool:
    # Only visitors without a session share the cache: whatever a session can unlock (a
    # password-protected page, a signed-in view) never enters it or comes out of it. A
    # messages cookie means a notice is waiting that the page must show.
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


CASE_STUDY_PATH = re.compile(r"good-practice/[\w\-]+/")


def _route_case_study(request, path: str) -> None:
    """Find a case study by its URL path in one query, for Wagtail's serve view to use.

    Wagtail routes /good-practice/<slug>/ by loading each page on the way down (home, the
    index, the case study) and then each one's specific row. A case study's URL is its
    url_path under the site root, so one query finds it, with what its page shows
    alongside. The result goes where Page.route_for_request keeps its own, so Wagtail's
    serve view (and its before_serve_page hooks: view restrictions) carry on as usual; for
    anything else Wagtail routes as it always does.
    """
    if not CASE_STUDY_PATH.fullmatch(path):
        return
    site = Site.find_for_request(request)
    if site is None:
        return
    root = next((root for root in Site.get_site_root_paths() if root.site_id == site.pk), None)
    if root is None:
        return
    page = (
        GoodPracticePage.objects.live()
        .select_related("service_area", "contact__organisation", "contact__profile")
        .filter(url_path=f"{root.root_path}{path}")
        .first()
    )
    if page is not None:
        request._wagtail_route_for_request = (page, [], {})


def _serve(request, path: str):
    _route_case_study(request, path)
    return wagtail_views.serve(request, path)


def cached_serve(request, path: str):
    """Wagtail's page serving for /good-practice/..., cached whole for anonymous visitors."""
    if not _anonymous_and_cacheable(request):
        return _serve(request, path)
    key = cache.page_key(request)
    hit = django_cache.get(key)
    if hit is not None:
        content, headers = hit
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["X-Library-Cache"] = "hit"
        return response
    response = _serve(request, path)
    if response.status_code == 200 and not response.cookies and not response.has_header("Cache-Control"):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        headers = [(h, response[h]) for h in CACHEABLE_HEADERS if response.has_header(h)]
        django_cache.set(key, (response.content, headers), cache.TIMEOUT)
        response["X-Library-Cache"] = "miss"
    return response


def _index() -> GoodPracticeIndexPage:
    index = GoodPracticeIndexPage.objects.live().first()
    if index is None:
        raise Http404("The good practice library is not set up")
    return index


def _own_case_study(request, page_id: int) -> GoodPracticePage:
    page = get_object_or_404(GoodPracticePage, pk=page_id)
    if page.owner_id != request.user.pk:
        raise Http404("No such submission")
    return page


# --- Submission -------------------------------------------------------------------------


@login_required
def submission_start(request):
    return render(
        request,
        "hub/submission_start.html",
        {"steps": STEPS, "contact_audiences": selectors.contact_audiences(user=request.user)},
    )


def _step_context(step: str, page: GoodPracticePage | None) -> dict:
    names = [name for name, _title, _form in STEPS]
    position = names.index(step)
    return {
        "step": step,
        "step_number": position + 1,
        "step_count": len(STEPS),
        "step_title": STEPS[position][1],
        "submission": page,
        "previous_step": names[position - 1] if position else None,
    }


@login_required
def submission_step(request, step: str, page_id: int | None = None):
    """One step of the submission form; every valid step is saved to the draft at once."""
    steps = {name: form_class for name, _title, form_class in STEPS}
    if step not in steps or (page_id is None and step != "about"):
        raise Http404("No such step")
    page = _own_case_study(request, page_id) if page_id else None
    latest = services.case_study_latest(page=page) if page else None
    form_class = steps[step]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = form.to_data()
            if page is None:
                page = services.case_study_draft_create(user=request.user, index=_index(), data=data)
            else:
                services.case_study_draft_update(user=request.user, page=page, data=data)
            if "later" in request.POST:
                messages.success(
                    request,
                    f"Your draft “{data.get('title') or page.draft_title}” is saved. Come back to it from your submissions.",
                )
                return redirect("hub:my_submissions")
            names = [name for name, _title, _form in STEPS]
            following = names.index(step) + 1
            if "check" in request.GET or following == len(names):
                return redirect("hub:submission_check", page_id=page.pk)
            return redirect("hub:submission_step", page_id=page.pk, step=names[following])
    else:
        form = form_class(initial=form_class.initial_for(latest, request.user))
    return render(
        request,
        "hub/submission_step.html",
        {"form": form, "returning_to_check": "check" in request.GET, **_step_context(step, page)},
    )


@login_required
def submission_check(request, page_id: int):
    """Check your answers, then send the case study to the editors."""
    page = _own_case_study(request, page_id)
    latest = services.case_study_latest(page=page)
    error = ""
    if request.method == "POST":
        try:
            services.case_study_submit(user=request.user, page=page)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("hub:submission_done", page_id=page.pk)
    return render(
        request,
        "hub/submission_check.html",
        {
            "submission": page,
            "latest": latest,
            "organisations": list(latest.organisations.all()),
            "themes": [tag.name for tag in latest.tags.all()],
            "contact_audiences": selectors.contact_audiences(user=request.user),
            "error": error,
        },
    )


@login_required
def submission_done(request, page_id: int):
    page = _own_case_study(request, page_id)
    return render(request, "hub/submission_done.html", {"submission": page})


@login_required
def my_submissions(request):
    return render(
        request,
        "hub/my_submissions.html",
        {"submissions": selectors.submission_list(user=request.user)},
    )


# --- Useful votes and comments ----------------------------------------------------------


def _live_case_study(page_id: int) -> GoodPracticePage:
    return get_object_or_404(GoodPracticePage.objects.live().public(), pk=page_id)


@login_required
@require_POST
def useful_toggle(request, page_id: int):
    page = _live_case_study(page_id)
    voted = services.useful_vote_toggle(user=request.user, page=page)
    messages.success(
        request,
        "You marked this case study as useful." if voted else "You no longer mark this case study as useful.",
    )
    return HttpResponseRedirect(page.url + "#useful")


def _comment_form_page(request, *, page, form, parent=None, status=200):
    return render(
        request,
        "hub/comment_form.html",
        {"case_study": page, "form": form, "parent": parent},
        status=status,
    )


@login_required
def comment_post(request, page_id: int):
    page = _live_case_study(page_id)
    if request.method != "POST":
        return HttpResponseRedirect(page.url + "#comments")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _comment_form_page(request, page=page, form=form)
    comment = services.comment_create(user=request.user, page=page, text=form.cleaned_data["comment"])
    messages.success(request, "Your comment is posted.")
    return HttpResponseRedirect(f"{page.url}#c{comment.pk}")


def _comment_on_live_case_study(comment_id: int) -> tuple[XtdComment, GoodPracticePage]:
    comment = get_object_or_404(XtdComment, pk=comment_id, is_public=True)
    page = comment.content_object
    if not isinstance(page, GoodPracticePage) or not page.live:
        raise Http404("No such comment")
    return comment, page


@login_required
def comment_reply(request, comment_id: int):
    parent, page = _comment_on_live_case_study(comment_id)
    if parent.is_removed:
        raise Http404("That comment was removed")
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_create(
                user=request.user, page=page, text=form.cleaned_data["comment"], parent=parent
            )
        except ValidationError as problem:
            form.add_error("comment", " ".join(problem.messages))
        else:
            messages.success(request, "Your reply is posted.")
            return HttpResponseRedirect(f"{page.url}#c{comment.pk}")
    return _comment_form_page(request, page=page, form=form, parent=parent)


@login_required
def comment_flag(request, comment_id: int):
    comment, page = _comment_on_live_case_study(comment_id)
    if request.method == "POST":
        created = services.comment_flag(user=request.user, comment=comment)
        messages.success(
            request,
            "Thank you. A moderator will look at the comment."
            if created
            else "You have already reported this comment. A moderator will look at it.",
        )
        return HttpResponseRedirect(f"{page.url}#c{comment.pk}")
    return render(request, "hub/comment_flag.html", {"comment": comment, "case_study": page})


def _moderator_only(request) -> None:
    if not is_site_moderator(request.user):
        raise PermissionDenied("Only moderators can see the moderation queue.")


@login_required
def moderation_queue(request):
    _moderator_only(request)
    return render(
        request,
        "hub/moderation_queue.html",
        {"flagged": selectors.comment_moderation_queue()},
    )


@login_required
def comment_remove(request, comment_id: int):
    _moderator_only(request)
    comment = get_object_or_404(XtdComment, pk=comment_id, is_removed=False)
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.comment_remove(moderator=request.user, comment=comment, reason=form.cleaned_data["reason"])
        messages.success(request, "The comment is removed and its author has been told why.")
        return redirect("hub:moderation_queue")
    return render(
        request,
        "hub/comment_remove.html",
        {"comment": comment, "case_study": comment.content_object, "form": form},
    )


@login_required
@require_POST
def comment_keep(request, comment_id: int):
    _moderator_only(request)
    comment = get_object_or_404(XtdComment, pk=comment_id)
    services.comment_keep(moderator=request.user, comment=comment)
    messages.success(request, "The comment stays up and is cleared from the queue.")
    return redirect(reverse("hub:moderation_queue"))
