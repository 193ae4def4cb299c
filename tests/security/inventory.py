"""The robustness walk's inventory, printed from its tables: `python -m tests.security.inventory`.

Every URL pattern the resolver answers and every WebSocket route, with the parameters, forms
and bad values tests/security/test_robustness.py tries on each, as markdown (the security
issue's closing note quotes it). Nothing here is written by hand: a pattern, parameter or
value added to the walk shows up in the next print.
"""

import os

HEADER = """\
# Robustness inventory

Printed by `python -m tests.security.inventory` from the tables in `tests/security/walker.py`,
which `tests/security/test_robustness.py` walks (`make test-robustness`). A request fails the
walk if it answers 500 or more, or if `django.request` logs an error; a WebSocket fails if a
handshake or a frame closes with 1011 or an exception escapes the consumer.
"""


def _values(values) -> str:
    from tests.security import walker

    return ", ".join(f"`{walker.describe(value)}`" for value in values) or "none"


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell (a `|` in a code span still ends the cell)."""
    return text.replace("|", "\\|")


def _people(extra=()) -> str:
    return ", ".join(["anonymous", "member", "community moderator", "site moderator", *extra])


def bad_values_section() -> list[str]:
    from tests.security import walker

    lines = [
        "## Bad values",
        "",
        "| class | values |",
        "| --- | --- |",
        *(f"| {name} | {_cell(_values(values))} |" for name, values in walker.BAD_VALUES.items()),
        "",
        (
            "Each parameter gets one value of every class, the one a checksum of the pattern and the"
            " parameter picks (listed below), plus three derandomised hypothesis strings in parameters"
            " hypothesis picks. The person a view shows the most (its largest 2xx page, else the member)"
            f" walks them all; the others get the spot values {_values(walker.SPOT)} in every query"
            " parameter at once, each path parameter set to those its converter lets through, and the"
            " spot values in every field at once of a form someone else walked in full."
        ),
        (
            "Query values that every Django form the view reads refuses are sent together (each once);"
            " values a form lets through are sent one parameter at a time."
        ),
        "",
    ]
    return lines


def http_section() -> list[str]:
    from tests.security import walker

    patterns = walker.url_patterns()
    project = [pattern for pattern in patterns if not walker.is_admin(pattern.key)]
    lines = [f"## HTTP: {len(project)} project, allauth and Wagtail patterns", ""]
    for pattern in project:
        route = walker.ROUTES.get(pattern.key)
        lines.append(f"### `{pattern.route}`")
        if route is None:
            lines += ["", "**Not in `walker.ROUTES`: the walk does not know how to fill it.**", ""]
            continue
        lines.append("")
        lines.append(f"- as: {_people(route.roles)}")
        for name, sample in route.path.items():
            converter = pattern.converters.get(name)
            if converter is not None:
                kind = walker.converter_name(converter)
                values = walker.values_for_converter(converter, pattern.key, name)
            else:
                kind, values = "regex group", walker.bad_values(pattern.key, name)
            lines.append(f"- path `{name}` ({kind}, good value: {sample}): {_values(values)}")
        for name in route.query:
            lines.append(f"- query `{name}`: {_values(walker.bad_values(pattern.key, name))}")
        if route.forms:
            lines.append(f"- query read with: {', '.join(f'`{form}`' for form in route.forms)}")
        page = route.form_page or "its own page"
        lines.append(f'- forms: every `<form method="post">` on {page} that posts here, each field set to each value')
        for name in route.post:
            lines.append(f"- POST `{name}` (read outside any form): {_values(walker.bad_values(pattern.key, name))}")
        if pattern.key in walker.NEVER_POST:
            lines.append("- its form is never posted (it would end the session the walk relies on)")
        lines.append("")
    return lines


def pages_section() -> list[str]:
    from tests.security import walker

    lines = [
        "## Wagtail pages (the catch-all), one real page of each type",
        "",
        f"Bad segments appended to each: {_values(walker.BAD_SEGMENTS)} (the spot people get the first two).",
        "",
    ]
    routable = {sample: f"{label} `{route or '/'}`" for (label, route), sample in walker.ROUTABLE.items()}
    for page in walker.PAGES:
        where = f" ({routable[page.sample]})" if page.sample in routable else ""
        lines.append(f"### {page.sample}{where}")
        lines.append("")
        lines.append(f"- as: {_people()}")
        if page.read_as:
            lines.append(f"- query {', '.join(f'`{name}`' for name in page.query)}: the spot values")
            lines.append(f"  (its view reads them with the code {page.read_as} walks with every class)")
        else:
            for name in page.query:
                lines.append(f"- query `{name}`: {_values(walker.bad_values(page.sample, name))}")
        if page.forms:
            lines.append(f"- query read with: {', '.join(f'`{form}`' for form in page.forms)}")
        lines.append('- forms: every `<form method="post">` on the page that posts back to it')
        lines.append("")
    return lines


def admin_section() -> list[str]:
    from tests.security import walker

    admin = [pattern for pattern in walker.url_patterns() if walker.is_admin(pattern.key)]
    lines = [
        f"## Wagtail and Django admin: {len(admin)} patterns",
        "",
        (
            f"Walked as {_people(('administrator',))} (the administrator with every class,"
            " the others with the spot values):"
        ),
        "",
    ]
    for template in walker.ADMIN_SUBSET:
        queries = (
            "; ".join(
                f"`{name}`: {_values(walker.bad_values(template, name))}" for name in walker.ADMIN_SUBSET[template]
            )
            or "it reads no query parameter"
        )
        lines.append(f"- `{template}`: good URL; {queries}")
    lines += [
        "",
        (
            "The others are Wagtail's and Django's own views, tested upstream; each is checked only for"
            f" path parameters the walker can fill (converters {', '.join(sorted(walker.CONVERTER_EXTRAS))}):"
        ),
        "",
        "<details><summary>the other admin patterns</summary>",
        "",
        *(f"- `{pattern.route}`" for pattern in admin),
        "",
        "</details>",
        "",
    ]
    return lines


def websocket_section() -> list[str]:
    from tests.security import walker

    lines = ["## WebSocket routes", ""]
    for key in walker.websocket_patterns():
        route = walker.SOCKETS.get(key)
        lines.append(f"### `{key}`" if key else '### the catch-all (`re_path("")`: every other address)')
        lines.append("")
        if route is None:
            lines += ["**Not in `walker.SOCKETS`: the walk does not know how to fill it.**", ""]
            continue
        good = "/" + route.template.format(**{name: f"<{sample}>" for name, sample in route.path.items()})
        paths = walker.bad_socket_paths(good)
        frames = [] if route.refuses_everyone else [label for label, _ in walker.bad_frames(route.frame_fields)]
        if route.refuses_everyone:
            who = f"- as: {_people()}; it refuses everyone, so no frame is sent: anonymous tries every path"
        else:
            who = (
                f"- as: {_people()}; the first person the good handshake `{good}` accepts sends every"
                f" path and frame, the others the first {walker.SOCKET_SPOT} of each"
            )
        lines += [
            who,
            f"- handshake paths: {_values(paths)}",
            f"- frames: {', '.join(frames) or 'none'}",
            "",
        ]
    return lines


def inventory() -> str:
    lines = [HEADER, *bad_values_section(), *http_section(), *pages_section(), *admin_section(), *websocket_section()]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    print(inventory(), end="")  # noqa: T201 - printing the inventory is the command's job


if __name__ == "__main__":
    main()
