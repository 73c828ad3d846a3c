"""The fault campaign (bench/soak_faults.py) in miniature, so that it cannot rot unnoticed.

One round of each operation -- labelling, import, merge, label import, export, backup -- killed
at a random point, with every check of the full campaign; the campaign itself (200+ rounds) is
run by hand: ``python bench/soak_faults.py --rounds 200 --seed 1``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kills process groups with SIGKILL")


def load_campaign():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("soak_faults", BENCH / "soak_faults.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("soak_faults", module)
    spec.loader.exec_module(module)
    return module


def test_a_round_of_each_operation_killed_at_random_loses_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("SOAK_SEED", "7"))
    result = load_campaign().run(rounds=6, seed=seed, work=tmp_path, log=False, articles=90)
    every = ("backup", "export", "import", "label", "labels", "merge")
    assert result["per_operation"] == dict.fromkeys(every, 1)
    assert result["failures"] == []
    assert result["acknowledged_labels"] > 0  # the labelling round was killed after work was done
