"""Sector data pages: thin views over benchmarking.selectors and benchmarking.services."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from benchmarking import charts, selectors, services
from benchmarking.forms import GroupForm, PeriodForm, UploadForm
from benchmarking.models import Area, Metric, Upload
from benchmarking.roles import can_see_sector_overview, lodging_scope

ILLUSTRATIVE = "Illustrative demo figures, not official statistics."


def _csv_cell(value) -> str:
    """A spreadsheet must not run a cell as a formula (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_response(filename: str, header: list[str], rows: list[tuple[Metric, tuple]]) -> HttpResponse:
    """Every row carries its metric's source and licence, and says when it is a demo figure:
    a row copied out of the file keeps where it came from."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([*header, "source", "licence", "status"])
    for metric, row in rows:
        status = ILLUSTRATIVE if metric.is_illustrative else "Lodged by the council or its data editors"
        writer.writerow([_csv_cell(value) for value in (*row, metric.source, metric.licence, status)])
    return response


# An area's code: a GSS code (E06000001) or the code of a national total. Anything else (a NUL
# byte, which PostgreSQL refuses in text, or any other stray character) names no council.
AREA_CODE_RE = re.compile(r"[A-Z0-9]{1,9}")


def catalogue(request):
    wanted = str(request.GET.get("council", "")).strip().upper()
    if AREA_CODE_RE.fullmatch(wanted) and Area.objects.filter(code=wanted, kind=Area.Kind.ORGANISATION).exists():
        return redirect("benchmarking:council", code=wanted)
    return render(
        request,
        "benchmarking/catalogue.html",
        {
            "themes": selectors.catalogue(),
            "last_updated": selectors.last_updated(),
            "councils": Area.objects.filter(kind=Area.Kind.ORGANISATION).order_by("name"),
            "illustrative": Metric.objects.filter(is_illustrative=True).exists(),
        },
    )


def _format(metric: Metric, value) -> str:
    if value is None:
        return ""
    return f"{float(value):,.{metric.decimal_places}f}"


def metric_detail(request, code: str):
    metric = get_object_or_404(Metric, code=code)
    form = PeriodForm(request.GET)
    table = selectors.metric_table(
        metric, period_code=form.cleaned_data["period"] if form.is_valid() else None, viewer=request.user
    )
    return render(
        request,
        "benchmarking/metric_detail.html",
        {"metric": metric, "table": table, "last_updated": selectors.last_updated(metric=metric)},
    )


def metric_csv(request, code: str):
    metric = get_object_or_404(Metric, code=code)
    form = PeriodForm(request.GET)
    table = selectors.metric_table(
        metric, period_code=form.cleaned_data["period"] if form.is_valid() else None, viewer=request.user
    )
    period = table.period.code if table.period else ""
    rows = [
        (
            metric,
            (
                area.code,
                area.name,
                metric.code,
                period,
                _format(metric, cell and cell.value),
                cell.quality if cell else "missing",
            ),
        )
        for area, cell in table.rows
    ]
    header = ["area_code", "area_name", "metric_id", "period", "value", "quality"]
    return _csv_response(f"{metric.code}-{period or 'none'}.csv", header, rows)


@dataclass
class CouncilGroup:
    """A council and the group the URL compares it with (the group is part of every URL)."""

    area: Area
    form: GroupForm
    group_name: str
    table: selectors.ContextTable
    weights: dict
    matches: list
    group: list


def _council(request, code: str) -> CouncilGroup:
    area = get_object_or_404(
        Area.objects.select_related("organisation"), code=code.upper(), kind=Area.Kind.ORGANISATION
    )
    form = GroupForm(request.GET)
    group_name = form.chosen_group()
    table = selectors.context_table()
    weights = selectors.parse_weights_text(form.cleaned_data.get("weights") if form.is_valid() else "", table)
    matches = selectors.neighbour_group(area, table=table, weights=weights) if group_name == "neighbours" else []
    group = [match.area for match in matches] if group_name == "neighbours" else selectors.group_areas(area, group_name)
    return CouncilGroup(area, form, group_name, table, weights, matches, group)


def council_detail(request, code: str):
    chosen = _council(request, code)
    area, group_name, weights = chosen.area, chosen.group_name, chosen.weights
    comparisons = selectors.compare(area, chosen.group, selectors.core_metrics(), viewer=request.user)
    rows = [(comparison, charts.spine(comparison.summary, comparison.latest)) for comparison in comparisons]
    return render(
        request,
        "benchmarking/council_detail.html",
        {
            "area": area,
            "form": chosen.form,
            "group_name": group_name,
            "group_label": selectors.GROUPS[group_name],
            "group": chosen.group,
            "matches": chosen.matches,
            "variables": chosen.table.variables,
            "weight_rows": [(variable, weights[variable.code]) for variable in chosen.table.variables],
            "weights": weights,
            "weights_text": ",".join(f"{code}:{weight:g}" for code, weight in weights.items()),
            "rows": rows,
            "query": request.GET.urlencode(),
            "last_updated": selectors.last_updated(area=area),
            "illustrative": any(c.metric.is_illustrative for c in comparisons),
        },
    )


def council_csv(request, code: str):
    chosen = _council(request, code)
    area, group_name, group = chosen.area, chosen.group_name, chosen.group
    comparisons = selectors.compare(area, group, selectors.core_metrics(), viewer=request.user)
    rows = []
    for c in comparisons:
        rows.append(
            (
                c.metric,
                (
                    area.code,
                    group_name,
                    c.metric.code,
                    c.metric.title,
                    c.periods[-1].code if c.periods else "",
                    _format(c.metric, c.latest),
                    _format(c.metric, c.summary.median),
                    _format(c.metric, c.summary.lower_quartile),
                    _format(c.metric, c.summary.upper_quartile),
                    f"{c.rank[0]} of {c.rank[1]}" if c.rank else "",
                    c.band or "",
                    c.direction or "",
                    c.significance or "",
                ),
            )
        )
    header = [
        "area_code",
        "group",
        "metric_id",
        "metric",
        "period",
        "value",
        "group_median",
        "group_lower_quartile",
        "group_upper_quartile",
        "rank",
        "quartile_band",
        "direction_of_travel",
        "significance",
    ]
    return _csv_response(f"{area.code}-{group_name}.csv", header, rows)


def _council_metric(request, code: str, metric_code: str):
    chosen = _council(request, code)
    area, group_name, group = chosen.area, chosen.group_name, chosen.group
    metric = get_object_or_404(Metric, code=metric_code)
    comparison = selectors.compare(area, group, [metric], viewer=request.user)[0]
    names = {other.pk: other.name for other in group}
    rows = [(names[pk], value, False) for pk, value in comparison.group_values.items()]
    rows.append((area.name, comparison.latest, True))
    rows.sort(key=lambda row: (row[1] is None, -(row[1] or 0), row[0]))
    bar = charts.bar_chart(rows, median=comparison.summary.median)
    line = charts.line_chart(
        [p.code for p in comparison.periods], comparison.series, comparison.group_medians, places=metric.decimal_places
    )
    return {
        "area": area,
        "metric": metric,
        "form": chosen.form,
        "group_name": group_name,
        "group_label": selectors.GROUPS[group_name],
        "comparison": comparison,
        "bar": bar,
        "line": line,
        "history": list(zip(comparison.periods, comparison.series, comparison.group_medians, strict=True)),
        "query": request.GET.urlencode(),
        "last_updated": selectors.last_updated(area=area, metric=metric),
    }


def council_metric(request, code: str, metric_code: str):
    return render(request, "benchmarking/council_metric.html", _council_metric(request, code, metric_code))


def council_metric_svg(request, code: str, metric_code: str):
    context = _council_metric(request, code, metric_code)
    svg = render_to_string("benchmarking/charts/bar.svg", {**context, "standalone": True}, request=request)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{context["area"].code}-{context["metric"].code}.svg"'
    return response


def lodge(request):
    """Upload a CSV: checked row by row, then a summary to confirm (nothing is saved before)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    may, scope = lodging_scope(request.user)
    if not may:
        raise PermissionDenied("You may not lodge sector data.")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        held, checked = services.upload_check(user=request.user, filename=upload.name, raw=upload.read())
        if held is None:
            return render(
                request,
                "benchmarking/lodge_errors.html",
                {"checked": checked, "errors": checked.errors[:500], "filename": upload.name},
                status=400,
            )
        return redirect("benchmarking:lodge_summary", pk=held.pk)
    return render(
        request, "benchmarking/lodge.html", {"form": form, "scope": scope}, status=400 if form.errors else 200
    )


def _own_upload(request, pk: int) -> Upload:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Upload, pk=pk, uploaded_by=request.user)


def lodge_summary(request, pk: int):
    upload = _own_upload(request, pk)
    return render(request, "benchmarking/lodge_summary.html", {"upload": upload})


@require_POST
def lodge_confirm(request, pk: int):
    upload = _own_upload(request, pk)
    checked = services.upload_confirm(upload=upload, user=request.user)
    if checked.plan is None:
        return render(
            request,
            "benchmarking/lodge_errors.html",
            {"checked": checked, "errors": checked.errors[:500], "filename": upload.filename},
            status=400,
        )
    return redirect("benchmarking:lodge_summary", pk=upload.pk)


def sector_overview(request):
    """Only for the "Sector overview" role: everyone else gets a 404, as if it did not exist."""
    if not can_see_sector_overview(request.user):
        raise Http404
    response = render(request, "benchmarking/sector_overview.html", {"flags": selectors.sector_overview()})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def api_docs(request):
    return render(request, "benchmarking/api_docs.html", {"metrics": Metric.objects.order_by("code")[:3]})
