"""Index the demo people for `seed_demo`, after the other apps have added their contributions."""

import time

from accounts.services import profile_handles_ensure_all
from search.services import people_index_rebuild


def seed(*, options: dict, log) -> None:
    handed = profile_handles_ensure_all()
    if handed:
        log(f"  gave {handed} profiles a handle")
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        log(f"  people indexed: {done}/{total}")

    count = people_index_rebuild(progress=progress)
    log(f"  people index rebuilt: {count} people in {time.monotonic() - started:.1f}s")
