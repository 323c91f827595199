"""CLI start-up: wall time of ``hubshop --version`` and ``--help`` in a fresh interpreter.

Prints the median of N runs for the lazy root (what ``hubshop`` does) and for
an eager root that imports every command module first (what the root did
before subcommands were loaded lazily), so the saving is measured on the same
machine at the same moment. The target is under 0.1 s for the lazy root.

    .venv/bin/python benchmarks/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

LAZY = "import sys; from sync.cli import main; sys.argv = ['hubshop', '{flag}']; main()"
EAGER = ("import sys, importlib; from sync.cli import main\n"
         "from sync.cli.registry import COMMANDS\n"
         "for target, _ in COMMANDS.values(): importlib.import_module(target.split(':')[0])\n"
         "sys.argv = ['hubshop', '{flag}']; main()")


def _median_seconds(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bare = _median_seconds("pass", args.runs)
    print(f"{'case':<28}{'median s':>10}")
    print(f"{'python -c pass':<28}{bare:>10.3f}")
    for flag in ("--version", "--help"):
        lazy = _median_seconds(LAZY.format(flag=flag), args.runs)
        eager = _median_seconds(EAGER.format(flag=flag), args.runs)
        print(f"{'hubshop ' + flag + ' (lazy)':<28}{lazy:>10.3f}"
              f"{'  under 0.1 s' if lazy < 0.1 else '  OVER 0.1 s'}")
        print(f"{'hubshop ' + flag + ' (eager)':<28}{eager:>10.3f}")


if __name__ == "__main__":
    main()
