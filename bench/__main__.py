"""Run the benchmarks: ``python -m bench [name ...]`` (``make bench``).

Each ``bench/bench_*.py`` module has ``run()`` returning ``{figure: {"value", "unit", ...}}``.
They run against a fresh test database (created and dropped here), and their figures are
merged into ``bench/results.json`` so that running one benchmark keeps the others' figures.
Compare ratios measured in one run: these machines are shared and noisy.
"""

import importlib
import json
import os
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

import django

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def main(names: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if m.removeprefix("bench_") in names or m in names]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"benchmarks": {}}
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
    failed = []
    try:
        for name in modules:
            print(f"== {name}", flush=True)
            try:
                figures = importlib.import_module(f"bench.{name}").run()
            except Exception:
                # One broken benchmark must not cost the figures of the others.
                traceback.print_exc()
                failed.append(name)
                continue
            for key, figure in figures.items():
                print(f"   {key}: {figure['value']} {figure['unit']}", flush=True)
            results["benchmarks"].update(figures)
            results["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
            RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"Written to {RESULTS.relative_to(HERE.parent)}")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
