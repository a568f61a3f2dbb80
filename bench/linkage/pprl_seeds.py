"""The privacy-preserving count over many seeds: how often every agency pair is within 2%.

    uv run --group bench python bench/linkage/pprl_seeds.py --records 10000 --seeds 1-12

One seed gives six agency pairs, and the worst of six noisy numbers says little about the
linker. This runs the `fields` variant of pprl.py (each agency deduplicates its own records with
the matcher, encodes them with FieldEncoder; the linker sees the encodings only) on each seed and
prints, per seed, the worst pair and the total, then over all seeds the root mean square of the
per-pair errors and the share of seeds on which every pair is within 2% (ADR 0010 (e)).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate
from pprl import field_encodings, local_persons, report, true_overlap

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
    passed = 0
    for seed in args.seeds:
        records = generate(args.records, seed)
        encodings = field_encodings(records, seed, local_persons(records))
        row = report(true_overlap(records), estimate_overlap(encodings))
        errors.extend(p["rel_error"] for p in row["pairs"].values())
        passed += row["worst_pair_rel_error"] <= TARGET
        print(
            f"seed {seed}: worst pair {row['worst_pair_rel_error']:.2%}  "
            f"total {row['total_rel_error']:.2%}  "
            + "  ".join(f"{name} {p['rel_error']:+.2%}" for name, p in row["pairs"].items()),
            flush=True,
        )
    rms = math.sqrt(sum(e * e for e in errors) / len(errors))
    print(
        f"{len(args.seeds)} seeds, {len(errors)} pairs: per-pair error rms {rms:.2%}; "
        f"every pair within {TARGET:.0%} on {passed} of {len(args.seeds)} seeds"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
