"""Fit the matcher's parameters for the duplicate lookup and review, on synthetic children.

The one-record lookup scores a handful of candidates at registration, so it cannot fit a model
on the spot: it uses these parameters (m, u and the prior, by the matcher's own EM on the
generator's children across agencies and scripts), with term frequencies taken from the
database at lookup time. ADR 0014.

    uv run python bench/linkage/fit_lookup_model.py --records 20000
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from qorgau.linkage.matcher import MATCHER_VERSION, Matcher, MatcherConfig

OUT = Path(__file__).resolve().parents[2] / "src/qorgau/cases/data/duplicate_model.json"


def as_matcher_record(row: dict[str, Any]) -> dict[str, Any]:
    """A generator row as the matcher reads it (no other fields: the lookup has none)."""
    name = " ".join(p for p in (row["surname"], row["given"], row["patronymic"]) if p)
    return {
        "id": row["id"],
        "names": [name] if name else [],
        "birth_date": row["birth_date"],
        "age_min": row["age_min"],
        "age_max": row["age_max"],
        "recorded_on": row["recorded_on"],
        "sex": {"m": "male", "f": "female"}.get(row["sex"] or ""),
        "region": row["region"],
        "source": row["source"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = [as_matcher_record(r) for r in generate(args.records, args.seed)]
    result = Matcher(MatcherConfig(other_fields=())).link(rows)
    p = result.model.parameters
    body = {
        "matcher_version": MATCHER_VERSION,
        "fitted_on": f"bench/linkage/generate.py --records {args.records} --seed {args.seed}",
        "comparisons": [s.name for s in p.specs],
        "m": p.m,
        "u": p.u,
        "prior": p.prior,
        "records": p.records,
    }
    args.out.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: prior {p.prior:.3g}, {result.pairs_scored} pairs scored")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
