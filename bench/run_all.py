"""Run every bench/bench_*.py and print one table. `make bench` calls this.

Each benchmark module exposes run() -> list of rows {benchmark, metric, value, unit, target}.
Results are also written to bench/results/latest.json.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    rows: list[dict[str, object]] = []
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if names and not any(n in path.stem for n in names):
            continue
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        t0 = time.perf_counter()
        try:
            spec.loader.exec_module(module)
            rows.extend(module.run())
        except Exception:
            failed += 1
            traceback.print_exc()
            rows.append(
                {"benchmark": path.stem, "metric": "FAILED", "value": "", "unit": "", "target": ""}
            )
        print(f"  {path.name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    widths = [
        max(len(str(r.get(k, ""))) for r in [*rows, {k: k}])
        for k in ("benchmark", "metric", "value", "unit", "target")
    ]
    keys = ("benchmark", "metric", "value", "unit", "target")
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(r.get(k, "")).ljust(w) for k, w in zip(keys, widths, strict=True)))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(rows, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
