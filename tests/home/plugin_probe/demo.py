"""The demo module of a feature that does not exist: seed_demo must find it by its registration."""

SEEDED: list[dict] = []


def add_arguments(parser) -> None:
    parser.add_argument("--probe-rows", type=int, default=3)


def seed(*, options: dict, log) -> None:
    SEEDED.append(options)
    log(f"  probe rows: {options['probe_rows']}")
