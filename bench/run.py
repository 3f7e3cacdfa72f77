"""Run the benchmarks under bench/ and write bench/results/latest.json.

Every module bench/bench_<name>.py exposes `run(ctx) -> dict[str, dict]`, returning figures
shaped `{"value": number, "unit": str, "note": str}` (see harness.figure). To add one, drop a
new bench_<name>.py next to this file; nothing else needs to change.

Usage (from the repo root):  .venv/bin/python bench/run.py [name ...]
With names (e.g. `console`), only those modules run. Exits non-zero if any benchmark failed.
"""

import importlib
import json
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402


def discover(selected):
    """bench_*.py module names, sorted; only those in `selected` if given."""
    names = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    if selected:
        wanted = {s if s.startswith("bench_") else f"bench_{s}" for s in selected}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {', '.join(names)}")
        names = [n for n in names if n in wanted]
    return names


def check_figures(module, figures):
    """Make sure a module returned well-formed figures."""
    if not isinstance(figures, dict):
        raise TypeError(f"{module}.run() returned {type(figures).__name__}, not dict")
    for name, fig in figures.items():
        if not (isinstance(fig, dict) and set(fig) == {"value", "unit", "note"}):
            raise TypeError(f"{module}: figure {name!r} must be {{value, unit, note}}, got {fig!r}")
        if isinstance(fig["value"], bool) or not isinstance(fig["value"], (int, float)):
            raise TypeError(f"{module}: figure {name!r} value must be a number, got {fig['value']!r}")


def print_table(results):
    """The figures as a plain table on stdout."""
    rows = [(name, f"{fig['value']:g}", fig["unit"], fig["note"]) for name, fig in results.items()]
    headers = ("name", "value", "unit", "note")
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers[:3])]
    line = "  ".join(h.ljust(w) for h, w in zip(headers[:3], widths)) + "  " + headers[3]
    print(line)
    print("-" * len(line))
    for name, value, unit, note in rows:
        print(f"{name.ljust(widths[0])}  {value.rjust(widths[1])}  {unit.ljust(widths[2])}  {note}")


def main(argv):
    ctx = harness.Context()
    results, failed = {}, []
    for module_name in discover(argv):
        harness.log(f"== {module_name}")
        t0 = time.monotonic()
        try:
            figures = importlib.import_module(module_name).run(ctx)
            check_figures(module_name, figures)
            clash = set(figures) & set(results)
            if clash:
                raise ValueError(f"figure name(s) already reported by another module: {sorted(clash)}")
        except Exception:
            traceback.print_exc()
            harness.log(f"FAILED: {module_name}")
            failed.append(module_name)
            continue
        harness.log(f"{module_name} done in {time.monotonic() - t0:.1f}s")
        results.update(figures)

    out = harness.RESULTS_DIR / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print_table(results)
    print(f"\nwrote {out.relative_to(harness.REPO)}")
    if failed:
        print(f"FAILED: {', '.join(failed)} (their figures are missing above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
