"""Run the benchmarks: `python -m bench` runs them all, `python -m bench hub` only bench/bench_hub.py.

Each bench/bench_<name>.py module has a `main(argv) -> None` that prints its figures.
"""

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    wanted = sys.argv[1:2]
    names = sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    )
    if wanted:
        names = [name for name in names if name == wanted[0]]
        if not names:
            raise SystemExit(f"No benchmark called {wanted[0]!r} in bench/.")
    if not names:
        print("No benchmarks yet.")
    for name in names:
        print(f"=== bench/bench_{name}.py")
        importlib.import_module(f"bench.bench_{name}").main(sys.argv[2:])


if __name__ == "__main__":
    main()
