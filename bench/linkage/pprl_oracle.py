"""Where the privacy-preserving count's error comes from: the linker's u against the truth.

    uv run --group bench python bench/linkage/pprl_oracle.py --records 100000 --seed 1

Runs `pprl_counts.estimate_overlap` on the benchmark's field encodings (as `pprl.py` makes them)
and, on the same candidate pairs, refits each direction with u replaced by what only known
truth can give: the distribution of the non-matching candidates over the cells. Per agency pair
it prints the signed error of

    model        the linker as it is (u measured from the encodings: decoy dates x region);
    true_dates   the true date cells of non-matches, the model's region;
    true_region  the model's date cells, the true region agreement of non-matches;
    true_indep   both true, but taken as independent (as the model takes them);
    oracle       the true joint distribution of date cell and region of non-matches.

If `oracle` is far from the truth, the error is in m (the model of true pairs) or in the
candidates; if `true_indep` is far from `oracle`, non-matches' dates and regions go together
(family members: a twin shares the name's surname, the birth date and the home region).

It reaches into the private steps of pprl_counts on purpose: it swaps u for the truth, which
only a benchmark with known truth can do, and leaves the estimate itself unchanged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate
from pprl import field_encodings, known_persons, local_persons, true_overlap

from qorgau.linkage import pprl_counts

VARIANTS = ("model", "true_dates", "true_region", "true_indep", "oracle")


def refits(observed: Any, model_u: Any, true_u: Any, kind: Any, fit: Any) -> dict[str, float]:
    """The direction's count with each variant's u (see the module's docstring)."""
    shape = (*model_u.shape[:2], pprl_counts.DATE_CELLS, pprl_counts.REGIONS)
    model, true = model_u.reshape(shape), true_u.reshape(shape)
    dates = {"model": model.sum(axis=3), "true": true.sum(axis=3)}
    regions = {"model": model.sum(axis=2), "true": true.sum(axis=2)}

    def independent(date_from: str, region_from: str) -> Any:
        joint = dates[date_from][..., None] * regions[region_from][:, :, None, :]
        return joint.reshape(model_u.shape)

    return {
        "model": fit(observed, model_u, kind),
        "true_dates": fit(observed, independent("true", "model"), kind),
        "true_region": fit(observed, independent("model", "true"), kind),
        "true_indep": fit(observed, independent("true", "true"), kind),
        "oracle": fit(observed, true_u, kind),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--known-persons", action="store_true", help="agencies know their duplicates exactly"
    )
    args = parser.parse_args(argv)
    records = generate(args.records, args.seed)
    truth = true_overlap(records)
    persons = known_persons(records) if args.known_persons else local_persons(records)
    encodings = field_encodings(records, args.seed, persons)
    child = np.array([r["child_id"] for r in records])

    directed, fit = pprl_counts._directed, pprl_counts._fit_true_pairs
    true_u: list[Any] = []
    counts: list[dict[str, float]] = []

    def directed_with_truth(
        a: Any,
        b: Any,
        similarity: Any,
        weight: Any,
        stratum: Any,
        f: Any,
        others: Any,
        family: Any,
    ) -> float:
        levels = len(pprl_counts.NAME_LEVELS) + 1
        groups = (len(pprl_counts.NAMESAKE_STRATA) + 1) * pprl_counts.KINDS
        cells = pprl_counts.DATE_CELLS * pprl_counts.REGIONS
        at, _, _ = pprl_counts.cell_index(a, b, similarity, stratum, f)
        other = child[a] != child[b]
        seen = np.bincount(
            at[other], weights=(weight[a] * weight[b])[other], minlength=groups * levels * cells
        ).reshape(groups * levels, cells)
        seen /= np.maximum(seen.sum(axis=1, keepdims=True), 1e-300)
        true_u.append(seen.reshape(groups, levels, cells))
        return float(directed(a, b, similarity, weight, stratum, f, others, family))

    def fit_all(observed: Any, u: Any, kind: Any) -> float:
        counts.append(refits(observed, u, true_u[-1], kind, fit))
        return counts[-1]["model"]

    pprl_counts._directed = directed_with_truth  # type: ignore[assignment]
    pprl_counts._fit_true_pairs = fit_all
    try:
        pprl_counts.estimate_overlap(encodings)
    finally:
        pprl_counts._directed, pprl_counts._fit_true_pairs = directed, fit

    organisations = sorted({r["source"] for r in records})
    pairs = [
        (x, y) for i, x in enumerate(organisations) for y in organisations[i + 1 :]
    ]  # the order estimate_overlap visits them in, each in both directions
    worst = dict.fromkeys(VARIANTS, 0.0)
    for number, (x, y) in enumerate(pairs):
        true = truth[frozenset((x, y))]
        line = f"{x}+{y} ({true}):"
        for name in VARIANTS:
            estimate = (counts[2 * number][name] + counts[2 * number + 1][name]) / 2
            error = (max(0.0, estimate) - true) / true
            worst[name] = max(worst[name], abs(error))
            line += f"  {name} {error:+.2%}"
        print(line)
    print("worst pair: " + "  ".join(f"{name} {worst[name]:.2%}" for name in VARIANTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
