"""The privacy-preserving count over many seeds: how often every agency pair is within 2%.

    uv run --group bench python bench/linkage/pprl_seeds.py --records 10000 --seeds 1-12

One seed gives six agency pairs, and the worst of six noisy numbers says little about the
linker. This runs the `fields` variant of pprl.py (each agency deduplicates its own records with
the matcher, encodes them with FieldEncoder; the linker sees the encodings only) on each seed and
prints, per seed, the worst pair and the total, then over all seeds the root mean square of the
per-pair errors and the share of seeds on which every pair is within 2% (ADR 0010 (e)). Beside
each it prints the same for a linker that never errs on the agencies' persons (pprl.py's
count_on_persons): what their own deduplication costs the count before any linking (ADR 0010 (f)).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate
from pprl import count_on_persons, field_encodings, local_persons, report, true_overlap

from qorgau.linkage.pprl_counts import estimate_overlap

TARGET = 0.02


def seed_range(text: str) -> list[int]:
    """'1-12' or '1,3,5' as a list of seeds."""
    seeds: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        seeds.extend(range(int(first), int(last or first) + 1))
    return seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seeds", type=seed_range, default=seed_range("1-12"))
    args = parser.parse_args(argv)
    errors: list[float] = []
    floor_errors: list[float] = []
    passed = floor_passed = 0
    for seed in args.seeds:
        records = generate(args.records, seed)
        persons = local_persons(records)
        truth = true_overlap(records)
        row = report(truth, estimate_overlap(field_encodings(records, seed, persons)))
        errors.extend(p["rel_error"] for p in row["pairs"].values())
        passed += row["worst_pair_rel_error"] <= TARGET
        floor = report(truth, count_on_persons(records, persons))
        floor_errors.extend(p["rel_error"] for p in floor["pairs"].values())
        floor_passed += floor["worst_pair_rel_error"] <= TARGET
        print(
            f"seed {seed}: worst pair {row['worst_pair_rel_error']:.2%}  "
            f"total {row['total_rel_error']:.2%}  "
            + "  ".join(f"{name} {p['rel_error']:+.2%}" for name, p in row["pairs"].items())
            + f"  | never-erring linker: worst {floor['worst_pair_rel_error']:.2%}",
            flush=True,
        )
    for name, found, within in (
        ("linker", errors, passed),
        ("never-erring linker on the same persons", floor_errors, floor_passed),
    ):
        rms = math.sqrt(sum(e * e for e in found) / len(found))
        mean = sum(found) / len(found)
        print(
            f"{name}: {len(args.seeds)} seeds, {len(found)} pairs: per-pair error rms {rms:.2%}, "
            f"mean {mean:+.2%}; every pair within {TARGET:.0%} on {within} of {len(args.seeds)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
