"""Simulations and assessments for tests, the demo and the benchmark, made through the services."""

from __future__ import annotations

from decimal import Decimal

from accountability import services
from accountability.models import Framework, Line, LineKind, Simulation, Statement, Theme


def simulation_create(
    *,
    organisation,
    title: str = "Balance our budget",
    years: list[tuple[str, Decimal]] | None = None,
    lines: list[dict] | None = None,
    publish: bool = True,
    **fields,
) -> Simulation:
    """A simulation with `lines` (dicts of Line fields, with optional "group" name and
    "consequences" [(percent, text)]), published unless told otherwise."""
    fields = {"budget_year": "2026/27", "band_d_charge": Decimal("2000.00"), **fields, "title": title}
    simulation = services.simulation_save(
        organisation=organisation, fields=fields, years=years or [("2026/27", Decimal(1_000_000))]
    )
    groups: dict[str, object] = {}
    for spec in lines or [{"name": "Libraries", "amount": Decimal(10_000_000)}]:
        spec = dict(spec)
        group_name = spec.pop("group", "")
        consequences = spec.pop("consequences", [])
        if group_name and group_name not in groups:
            groups[group_name] = services.group_save(simulation=simulation, name=group_name)
        spec["group"] = groups.get(group_name)
        spec = {
            "kind": LineKind.SPEND,
            "min_percent": Decimal(-20),
            "max_percent": Decimal(10),
            "step_percent": Decimal(5),
            **spec,
        }
        for name in ("amount", "min_percent", "max_percent", "step_percent", "floor_percent"):
            if spec.get(name) is not None:
                spec[name] = Decimal(str(spec[name]))
        consequences = [(Decimal(str(level)), text) for level, text in consequences]
        services.line_save(simulation=simulation, fields=spec, consequences=consequences)
    if publish:
        services.simulation_publish(simulation=simulation)
    simulation.refresh_from_db()
    return simulation


def lines_of(simulation: Simulation) -> list[Line]:
    return list(simulation.lines.prefetch_related("consequences").order_by("order", "pk"))


# A plausible framework: the themes the issue names, four or five statements each.
FRAMEWORK = {
    "Leadership and priorities": [
        "Our priorities reflect what residents and partners tell us matters",
        "Political and officer leaders agree on the council's direction",
        "Priorities are matched by where money and people are put",
    ],
    "Governance and scrutiny": [
        "Decisions are made openly, with the reasons published",
        "Scrutiny changes decisions, not only reviews them",
        "Risks are known, owned and reported on",
    ],
    "Financial resilience": [
        "The medium-term financial plan closes its gap without one-off measures",
        "Reserves are enough for the risks the council carries",
        "Residents can see where the money goes",
    ],
    "Engagement with residents": [
        "Residents are asked before decisions are made, not after",
        "People who are seldom heard are reached on purpose",
        "The council says what it did with what residents said",
    ],
    "Capacity to improve": [
        "The council learns from other councils and from peer challenge",
        "Performance data is used to decide, not only to report",
        "Staff have the skills and time to improve services",
    ],
}


def framework_ensure(name: str = "Local self-assessment framework") -> Framework:
    """The framework above, made once (idempotent: an existing one is left as edited)."""
    framework, created = Framework.objects.get_or_create(
        name=name,
        defaults={"introduction": "How well the council leads, decides, spends, listens and improves."},
    )
    if created:
        for order, (title, statements) in enumerate(FRAMEWORK.items()):
            theme = Theme.objects.create(framework=framework, title=title, sort_order=order)
            Statement.objects.bulk_create(
                Statement(theme=theme, text=text, sort_order=number) for number, text in enumerate(statements)
            )
    return framework
