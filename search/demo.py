"""Index the demo people and site content for `seed_demo`, after the other apps have added theirs."""

import time

from accounts.services import profile_handles_ensure_all
from search.services import people_index_rebuild, site_index_update


def seed(*, options: dict, log) -> None:
    handed = profile_handles_ensure_all()
    if handed:
        log(f"  gave {handed} profiles a handle")
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        log(f"  people indexed: {done}/{total}")

    count = people_index_rebuild(progress=progress)
    log(f"  people index rebuilt: {count} people in {time.monotonic() - started:.1f}s")
    # Demo services are bulk-created, which no save signal announces to the search index.
    for label, count in site_index_update().items():
        log(f"  site search index: {count} {label}")
