"""Thin views of the accountability tools: read the request with a form, call a selector or a
service, render a GOV.UK page."""

from __future__ import annotations

import secrets
from decimal import Decimal

from allauth.account.adapter import get_adapter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accountability import selectors, services
from accountability.budget import money_text
from accountability.forms import (
    ActionForm,
    AssessmentForm,
    BudgetForm,
    GroupForm,
    InviteForm,
    LineForm,
    PublishAssessmentForm,
    PublishResultsForm,
    SimulationForm,
    ratings_form,
)
from accountability.models import BAND_NINTHS, Line, Perspective
from accounts.selectors import verified_organisation

BROWSER_COOKIE = "kh_budget_browser"


def index(request):
    """Every budget simulator open now, and the results and assessments councils published."""
    return render(
        request,
        "accountability/index.html",
        {
            "simulations": selectors.open_simulations(),
            "results": selectors.published_results(),
            "assessments": selectors.published_assessments(),
            "organisation": verified_organisation(request.user),
        },
    )


# --- The resident's page ---------------------------------------------------------------------


def _browser_token(request) -> tuple[str, bool]:
    """This browser's token (a random cookie), and whether it is new and must be set."""
    token = request.COOKIES.get(BROWSER_COOKIE, "")
    if 20 <= len(token) <= 64 and token.isalnum():
        return token, False
    return secrets.token_hex(16), True


def _budget_page(request, pk: int, *, embed: bool):
    simulation = selectors.simulation_for_resident(pk=pk, user=request.user)
    lines = selectors.simulation_lines(simulation)
    years = list(simulation.years.all())
    token, new_token = _browser_token(request)
    form = BudgetForm(request.POST or None, simulation=simulation, lines=lines, years=years)
    submitting = request.method == "POST" and request.POST.get("action") == "submit"
    if submitting:
        # Every problem at once: a budget short of its gap is reported beside any field error.
        valid = form.is_valid()
        form.check_balanced()
        if valid and not form.errors:
            try:
                services.response_submit(
                    simulation=simulation,
                    lines=lines,
                    submission=form.submission(),
                    address=get_adapter().get_client_ip(request) or "",
                    browser=token,
                )
            except services.RateLimited as limited:
                response = render(
                    request,
                    "accountability/rate_limited.html",
                    {"simulation": simulation, "minutes": max(1, limited.seconds // 60), "layout": _layout(embed)},
                    status=429,
                )
                response["Retry-After"] = str(limited.seconds)
                return _embeddable(response, simulation) if embed else response
            except ValidationError as error:
                form.add_error(None, error)
            else:
                name = "accountability:embed_thanks" if embed else "accountability:thanks"
                response = redirect(name, pk=simulation.pk)
                if new_token:
                    response.set_cookie(BROWSER_COOKIE, token, max_age=365 * 86400, httponly=True, samesite="Lax")
                return response
    balance = form.balance()
    response = render(
        request,
        "accountability/simulation.html",
        {
            "simulation": simulation,
            "form": form,
            "rows": form.rows(),
            "groups": _grouped(form.rows()),
            "balance": balance,
            "checked": request.method == "POST",
            "is_open": simulation.is_open(),
            "preview": not simulation.is_published,
            "embed": embed,
            "bands": [(band, f"{ninths}/9") for band, ninths in BAND_NINTHS.items()],
            "band_bill": _band_bill(simulation, lines, form),
            "script_data": _script_data(simulation, lines, years),
            "layout": _layout(embed),
        },
    )
    if new_token:
        response.set_cookie(BROWSER_COOKIE, token, max_age=365 * 86400, httponly=True, samesite="Lax")
    return _embeddable(response, simulation) if embed else response


def _layout(embed: bool) -> str:
    return "accountability/embed_base.html" if embed else "base.html"


def _grouped(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: list[tuple[str, list[dict]]] = []
    for row in rows:
        name = row["line"].group.name if row["line"].group else ""
        if not groups or groups[-1][0] != name:
            groups.append((name, []))
        groups[-1][1].append(row)
    return groups


def _band_bill(simulation, lines: list[Line], form: BudgetForm) -> str:
    from accountability.budget import band_bill
    from accountability.models import LineKind

    band = form.data.get("band", "") if form.is_bound else ""
    tax = next((line for line in lines if line.kind == LineKind.COUNCIL_TAX), None)
    rise = form.choices().get(tax.pk) if tax else None
    bill = band_bill(simulation.band_d_charge, band, rise or 0)
    return f"£{bill:,.2f}" if bill is not None else ""


def _script_data(simulation, lines: list[Line], years: list) -> dict:
    """What accountability.js needs to show the same balance the server computes."""
    return {
        "years": [{"label": year.label, "gap": str(year.gap)} for year in years],
        "bandD": str(simulation.band_d_charge) if simulation.band_d_charge is not None else None,
        "bandNinths": BAND_NINTHS,
        "lines": [
            {
                "id": line.pk,
                "kind": line.kind,
                "amount": str(line.amount),
                "consequences": [[str(c.percent), c.text] for c in line.consequences.all()],
            }
            for line in lines
        ],
    }


def _embeddable(response: HttpResponse, simulation) -> HttpResponse:
    """Let the council's own sites, and only them, frame this response. django-csp reads a
    replacement policy from the response (as its csp_replace decorator sets it); the domains
    are the simulation's, so they are set here rather than in a decorator."""
    origins = simulation.embed_origins()
    response._csp_replace = {"frame-ancestors": origins or ["'none'"]}
    return response


def simulation_page(request, pk: int):
    return _budget_page(request, pk, embed=False)


# The embed is posted from inside the council's page, where browsers do not send this site's
# (SameSite) CSRF cookie. The form changes nothing but adds an anonymous, rate-limited,
# duplicate-checked response, which anyone may do from anywhere, so there is nothing for a
# forged request to gain.
@csrf_exempt
@xframe_options_exempt
def simulation_embed(request, pk: int):
    return _budget_page(request, pk, embed=True)


def thanks(request, pk: int):
    simulation = selectors.simulation_for_resident(pk=pk, user=request.user)
    return render(request, "accountability/thanks.html", {"simulation": simulation, "layout": _layout(False)})


@xframe_options_exempt
def embed_thanks(request, pk: int):
    simulation = selectors.simulation_for_resident(pk=pk, user=request.user)
    response = render(request, "accountability/thanks.html", {"simulation": simulation, "layout": _layout(True)})
    return _embeddable(response, simulation)


# --- Results ---------------------------------------------------------------------------------


def _chart(found: selectors.Results) -> dict:
    """Bar positions for the results chart: the median of each line, scaled to the widest."""
    widest = max([abs(row.median) for row in found.lines if row.median is not None] + [Decimal(1)])
    zero, half = 480, 120  # labels take the left; cuts run left of zero, rises right
    rows = []
    for number, row in enumerate(found.lines):
        median = row.median or Decimal(0)
        width = float(abs(median) / widest) * half
        y = number * 28 + 4
        rows.append(
            {
                "name": row.line.name,
                "median": row.median,
                "negative": median < 0,
                "x": round(zero - width if median < 0 else zero, 1),
                "width": round(width, 1),
                "y": y,
                "text_y": y + 14,
                "value_x": round(zero + (width if median > 0 else 0) + 6, 1),
            }
        )
    return {"rows": rows, "height": len(rows) * 28 + 8, "zero": zero}


def results(request, pk: int):
    simulation, is_staff = selectors.simulation_results_visible(pk=pk, user=request.user)
    found = selectors.simulation_results(simulation=simulation)
    return render(
        request,
        "accountability/results.html",
        {
            "simulation": simulation,
            "results": found,
            "chart": _chart(found),
            "is_staff": is_staff,
            "publish_form": PublishResultsForm(
                initial={"published": simulation.results_published, "statement": simulation.results_statement}
            ),
        },
    )


def results_csv(request, pk: int):
    simulation, _ = selectors.simulation_results_visible(pk=pk, user=request.user)
    response = StreamingHttpResponse(selectors.responses_csv(simulation=simulation), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="budget-simulator-{simulation.pk}-responses.csv"'
    return response


@login_required
@require_POST
def response_exclude(request, pk: int, response_id: int):
    simulation = selectors.simulation_for_staff(pk=pk, user=request.user)
    response = selectors.response_for_staff(simulation=simulation, pk=response_id)
    excluded = request.POST.get("excluded") == "yes"
    services.response_set_excluded(response=response, excluded=excluded)
    messages.success(request, f"Response {response.pk} is {'excluded' if excluded else 'counted again'}.")
    return redirect("accountability:results", pk=simulation.pk)


@login_required
@require_POST
def duplicates_exclude(request, pk: int):
    simulation = selectors.simulation_for_staff(pk=pk, user=request.user)
    excluded = request.POST.get("excluded") != "no"
    found = services.duplicates_set_excluded(simulation=simulation, excluded=excluded)
    verb = "excluded" if excluded else "counted again"
    messages.success(request, f"{found} suspected duplicate{'s' if found != 1 else ''} {verb}.")
    return redirect("accountability:results", pk=simulation.pk)


@login_required
@require_POST
def results_publish(request, pk: int):
    simulation = selectors.simulation_for_staff(pk=pk, user=request.user)
    form = PublishResultsForm(request.POST)
    if form.is_valid():
        services.simulation_results_publish(
            simulation=simulation, published=form.cleaned_data["published"], statement=form.cleaned_data["statement"]
        )
        messages.success(request, "Results published." if form.cleaned_data["published"] else "Results are private.")
    return redirect("accountability:results", pk=simulation.pk)


# --- The council's editor --------------------------------------------------------------------


def _staff_organisation(request):
    organisation = verified_organisation(request.user)
    if organisation is None or not organisation.is_council:
        raise Http404("Only a council's staff build its accountability tools")
    return organisation


@login_required
def manage(request):
    organisation = _staff_organisation(request)
    simulations, assessments = selectors.organisation_tools(organisation)
    return render(
        request,
        "accountability/manage.html",
        {"organisation": organisation, "simulations": simulations, "assessments": assessments},
    )


def _simulation_form_page(request, *, simulation=None):
    organisation = simulation.organisation if simulation else _staff_organisation(request)
    initial = {}
    if simulation:
        initial["gaps"] = "\n".join(f"{year.label}: {year.gap}" for year in simulation.years.all())
    form = SimulationForm(request.POST or None, instance=simulation, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SimulationForm.Meta.fields}
        simulation = services.simulation_save(
            organisation=organisation, fields=fields, years=form.cleaned_data["gaps"], simulation=simulation
        )
        messages.success(request, "Simulation saved.")
        return redirect("accountability:simulation_manage", pk=simulation.pk)
    return render(request, "accountability/simulation_form.html", {"form": form, "simulation": simulation})


@login_required
def simulation_new(request):
    return _simulation_form_page(request)


@login_required
def simulation_edit(request, pk: int):
    return _simulation_form_page(request, simulation=selectors.simulation_for_staff(pk=pk, user=request.user))


@login_required
def simulation_manage(request, pk: int):
    simulation = selectors.simulation_for_staff(pk=pk, user=request.user)
    return render(
        request,
        "accountability/simulation_manage.html",
        {
            "simulation": simulation,
            "lines": selectors.simulation_lines(simulation),
            "years": list(simulation.years.all()),
            "answered": simulation.responses.exists(),
            "money_text": money_text,
        },
    )


@login_required
@require_POST
def simulation_publish(request, pk: int):
    simulation = selectors.simulation_for_staff(pk=pk, user=request.user)
    try:
        services.simulation_publish(simulation=simulation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Published: residents can now take part.")
    return redirect("accountability:simulation_manage", pk=simulation.pk)


def _line_form_page(request, simulation, *, line=None):
    form = LineForm(request.POST or None, instance=line, simulation=simulation)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in LineForm.Meta.fields}
        fields["metric_id"] = form.cleaned_data["metric_id"]
        try:
            services.line_save(
                simulation=simulation, fields=fields, consequences=form.cleaned_data["consequences_text"], line=line
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Line saved.")
            return redirect("accountability:simulation_manage", pk=simulation.pk)
    return render(request, "accountability/line_form.html", {"form": form, "simulation": simulation, "line": line})


@login_required
def line_new(request, pk: int):
    return _line_form_page(request, selectors.simulation_for_staff(pk=pk, user=request.user))


@login_required
def line_edit(request, pk: int, line_id: int):
    simulation = selectors.simulation_for_staff(pk=pk, user=request.user)
    line = simulation.lines.filter(pk=line_id).first()
    if line is None:
        raise Http404("No such line")
    return _line_form_page(request, simulation, line=line)


@login_required
def group_new(request, pk: int):
    simulation = selectors.simulation_for_staff(pk=pk, user=request.user)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.group_save(simulation=simulation, name=form.cleaned_data["name"])
        messages.success(request, "Group added.")
        return redirect("accountability:simulation_manage", pk=simulation.pk)
    return render(request, "accountability/group_form.html", {"form": form, "simulation": simulation})


# --- Self-assessment -------------------------------------------------------------------------


@login_required
def assessment_new(request):
    organisation = _staff_organisation(request)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = services.assessment_start(
            organisation=organisation, framework=form.cleaned_data["framework"], title=form.cleaned_data["title"]
        )
        respondent = services.respondent_invite(
            assessment=assessment, perspective=Perspective.COUNCIL, label=request.user.get_full_name() or "Council"
        )
        messages.success(request, "Assessment started. Your own answers are linked below.")
        return redirect(reverse("accountability:assessment_manage", kwargs={"pk": assessment.pk}) + f"#{respondent.pk}")
    return render(request, "accountability/assessment_form.html", {"form": form})


@login_required
def assessment_manage(request, pk: int):
    assessment = selectors.assessment_for_staff(pk=pk, user=request.user)
    invite_form = InviteForm(request.POST or None, prefix="invite")
    action_form = ActionForm(request.POST or None, prefix="action")
    publish_form = PublishAssessmentForm(
        request.POST or None, prefix="publish", initial={"summary": assessment.summary}
    )
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "invite" and invite_form.is_valid():
            services.respondent_invite(assessment=assessment, **invite_form.cleaned_data)
            messages.success(request, "Invitation made: send them its link.")
            return redirect("accountability:assessment_manage", pk=assessment.pk)
        if which == "action" and action_form.is_valid():
            services.action_add(assessment=assessment, **action_form.cleaned_data)
            messages.success(request, "Action added to the plan.")
            return redirect("accountability:assessment_manage", pk=assessment.pk)
        if which == "publish" and publish_form.is_valid():
            services.assessment_publish(assessment=assessment, summary=publish_form.cleaned_data["summary"])
            messages.success(request, "Assessment and plan published.")
            return redirect("accountability:assessment_manage", pk=assessment.pk)
    # Only the form that was sent is shown with its errors.
    sent = request.POST.get("form") if request.method == "POST" else ""
    return render(
        request,
        "accountability/assessment_manage.html",
        {
            "assessment": assessment,
            "respondents": list(assessment.respondents.select_related("organisation")),
            "picture": selectors.assessment_picture(assessment=assessment),
            "perspectives": Perspective.choices,
            "actions": list(assessment.actions.all()),
            "invite_form": invite_form if sent == "invite" else InviteForm(prefix="invite"),
            "action_form": action_form if sent == "action" else ActionForm(prefix="action"),
            "publish_form": publish_form
            if sent == "publish"
            else PublishAssessmentForm(prefix="publish", initial={"summary": assessment.summary}),
            "resident_url": request.build_absolute_uri(
                reverse("accountability:assessment_join", kwargs={"token": assessment.resident_token})
            ),
        },
    )


def assessment_public(request, pk: int):
    assessment, is_staff = selectors.assessment_visible(pk=pk, user=request.user)
    return render(
        request,
        "accountability/assessment_public.html",
        {
            "assessment": assessment,
            "picture": selectors.assessment_picture(assessment=assessment),
            "perspectives": Perspective.choices,
            "actions": list(assessment.actions.all()),
            "is_staff": is_staff,
        },
    )


def assessment_join(request, token):
    from accountability.models import Assessment

    assessment = Assessment.objects.select_related("organisation").filter(resident_token=token).first()
    if assessment is None:
        raise Http404("No such assessment")
    if request.method == "POST" and not assessment.is_published:
        respondent = services.resident_join(assessment=assessment)
        return redirect("accountability:assessment_respond", token=respondent.token)
    return render(request, "accountability/assessment_join.html", {"assessment": assessment})


def assessment_respond(request, token):
    respondent = selectors.respondent_by_token(token)
    assessment = respondent.assessment
    themes = selectors.framework_themes(assessment.framework)
    form = ratings_form(
        themes, assessment.framework.scale_max, data=request.POST or None, initial=selectors.own_ratings(respondent)
    )
    if request.method == "POST" and form.is_valid():
        answers = {}
        for theme in themes:
            for statement in theme.statements.all():
                score = form.cleaned_data[f"score_{statement.pk}"]
                answers[statement.pk] = (int(score) if score else None, form.cleaned_data[f"evidence_{statement.pk}"])
        try:
            services.ratings_save(respondent=respondent, answers=answers)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your answers are saved. You can come back to this page to change them.")
            return redirect("accountability:assessment_respond", token=respondent.token)
    sections = [
        (theme, [(form[f"score_{s.pk}"], form[f"evidence_{s.pk}"]) for s in theme.statements.all()]) for theme in themes
    ]
    return render(
        request,
        "accountability/assessment_respond.html",
        {"respondent": respondent, "assessment": assessment, "form": form, "sections": sections},
    )
