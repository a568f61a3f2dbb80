"""Privacy-preserving overlap counts on synthetic children: accuracy, frequency attack, time.

    uv run python bench/linkage/pprl.py --records 10000

Generates the benchmark's agencies (generate.py, known truth), encodes each agency's records
locally (qorgau.linkage.pprl.Encoder, one key shared by the agencies), counts the shared
children per pair of agencies on the linking side from the encodings alone, and compares with
the true overlap. Then runs a pattern-frequency attack on the encodings - the attacker knows the
frequency of every given name in the population (the best public list there can be) - with and
without hardening, and reports the share of records whose given name is re-identified.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, matcher_record

from qorgau.linkage.canonical import primary_key
from qorgau.linkage.matcher import Matcher, MatcherConfig
from qorgau.linkage.pprl import (
    NAME_BYTES,
    PLAIN_THRESHOLD,
    Encoder,
    Encoding,
    FieldEncoder,
    PlainRecord,
    count_overlap,
    frequency_attack,
    size_threshold,
)
from qorgau.linkage.pprl_counts import estimate_overlap

# Each agency deduplicates its own records in plaintext (ADR 0008 matcher) before encoding;
# pairs at this probability or more are one person. Per agency, the threshold of 0.2-0.7 whose
# number of persons came nearest the true number of children on validation data (seed 7,
# 100,000 records; ADR 0010 (c)), never on the seeds reported.
LOCAL_DEDUPE_THRESHOLDS = {"ngo": 0.3, "passport": 0.7, "police": 0.6, "social": 0.5}


def plain(record: dict[str, Any]) -> PlainRecord:
    birth = date.fromisoformat(record["birth_date"]) if record["birth_date"] else None
    year = None
    if birth is None and record["age_min"] is not None:
        recorded = date.fromisoformat(record["recorded_on"])
        year = recorded.year - round((record["age_min"] + record["age_max"]) / 2) - 1
    return PlainRecord(record["surname"], record["given"], birth, year)


def field_record(record: dict[str, Any]) -> PlainRecord:
    """For FieldEncoder: an age estimate as its interval of birth years, and the region."""
    birth = date.fromisoformat(record["birth_date"]) if record["birth_date"] else None
    years = None
    if birth is None and record["age_min"] is not None:
        recorded = date.fromisoformat(record["recorded_on"])
        years = (recorded.year - record["age_max"] - 1, recorded.year - record["age_min"])
    return PlainRecord(
        record["surname"], record["given"], birth, birth_years=years, region=record["region"]
    )


def local_persons(records: list[dict[str, Any]]) -> dict[str, str]:
    """Record id -> person number, each agency deduplicating its own records in plaintext."""
    person: dict[str, str] = {}
    for source in sorted({r["source"] for r in records}):
        rows = [matcher_record(r) for r in records if r["source"] == source]
        config = MatcherConfig(link_type="dedupe", threshold=LOCAL_DEDUPE_THRESHOLDS[source])
        for number, members in enumerate(Matcher(config).link(rows).clusters):
            for record_id in members:
                person[record_id] = f"{source}-{number}"
    return person


def agency_key(seed: int) -> bytes:
    """The agencies' shared key: secrets.token_bytes(32) in real use; derived from the seed
    here so that a run is reproducible. Never given to the linker."""
    return hashlib.sha256(f"qorgau-pprl-bench-{seed}".encode()).digest()


def known_persons(records: list[dict[str, Any]]) -> dict[str, str]:
    """Record id -> person number as if each agency knew its duplicates exactly."""
    return {r["id"]: f"{r['source']}-{r['child_id']}" for r in records}


def field_encodings(
    records: list[dict[str, Any]], seed: int, persons: Mapping[str, str]
) -> list[Encoding]:
    """Each agency's records as FieldEncoder encodings under the seed's key."""
    encoder = FieldEncoder(agency_key(seed))
    return [
        encoder.encode(r["source"], r["id"], field_record(r), persons[r["id"]]) for r in records
    ]


def true_overlap(records: list[dict[str, Any]]) -> dict[frozenset[str], int]:
    children: defaultdict[int, set[str]] = defaultdict(set)
    for record in records:
        children[record["child_id"]].add(record["source"])
    sources = sorted({r["source"] for r in records})
    out: Counter[frozenset[str]] = Counter()
    for orgs in children.values():
        for i, a in enumerate(sources):
            for b in sources[i + 1 :]:
                if a in orgs and b in orgs:
                    out[frozenset((a, b))] += 1
    return dict(out)


def count_on_persons(
    records: list[dict[str, Any]], persons: Mapping[str, str]
) -> dict[frozenset[str], float]:
    """What a linker that never errs would return on these persons: every two records of one
    child in two agencies, weighed as estimate_overlap weighs a candidate pair (1 / records of
    a's person x records of b's person). Its distance from the true overlap is what the
    agencies' own deduplication costs the count (a child split in two counts twice, two
    children merged into one count once), before any linking (ADR 0010 (f))."""
    size = Counter(persons.values())
    by_child: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    for record in records:
        by_child[record["child_id"]].append((record["source"], persons[record["id"]]))
    out: defaultdict[frozenset[str], float] = defaultdict(float)
    for copies in by_child.values():
        for i, (source_a, person_a) in enumerate(copies):
            for source_b, person_b in copies[i + 1 :]:
                if source_a != source_b:
                    out[frozenset((source_a, source_b))] += 1 / (size[person_a] * size[person_b])
    return dict(out)


def encode_all(
    records: list[dict[str, Any]], encoder: Encoder, given_only: bool = False
) -> list[Encoding]:
    # Each agency encodes its own records; here they run one after the other in one process.
    out = []
    for r in records:
        record = plain(r)
        if given_only:  # a field-level filter of the given name alone: the attack's best case
            record = PlainRecord(None, record.given, record.birth_date, record.birth_year)
        out.append(encoder.encode(r["source"], r["id"], record))
    return out


def attack(records: list[dict[str, Any]], encodings: list[Encoding]) -> float:
    labels = [primary_key(r["given"] or "") for r in records]
    public = [name for name, _ in Counter(labels).most_common()]
    guesses = frequency_attack(encodings, public)
    hits = sum(1 for guess, label in zip(guesses, labels, strict=True) if guess == label)
    return hits / len(records)


def report(
    truth: dict[frozenset[str], int], estimate: Mapping[frozenset[str], float]
) -> dict[str, Any]:
    """Per agency pair: true, estimated, signed relative error; the worst pair and the total."""
    pairs = {}
    for pair, true in sorted(truth.items(), key=lambda item: sorted(item[0])):
        got = estimate.get(pair, 0)
        pairs["+".join(sorted(pair))] = {
            "true": true,
            "estimate": round(got, 1),
            "rel_error": round((got - true) / true, 4),
        }
    total_true = sum(truth.values())
    total_est = sum(estimate.get(pair, 0) for pair in truth)
    return {
        "pairs": pairs,
        "total_rel_error": abs(total_est - total_true) / total_true,
        "worst_pair_rel_error": max(abs(p["rel_error"]) for p in pairs.values()),
    }


def print_row(name: str, row: dict[str, Any]) -> None:
    name_filter = row.get("name_filter_attack_reidentified")
    print(
        f"{name:22} total err {row['total_rel_error']:.2%}  worst pair "
        f"{row['worst_pair_rel_error']:.2%}  attack {row['frequency_attack_reidentified']:.2%}"
        + (f" (name filter alone {name_filter:.2%})" if name_filter is not None else "")
        + (f"  dedupe {row['local_dedupe_seconds']}s" if "local_dedupe_seconds" in row else "")
        + f"  encode {row['encode_seconds']}s link {row['link_seconds']}s",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="JSON file for the results")
    parser.add_argument(
        "--variants", help="comma-separated subset of the variants (default: all of them)"
    )
    args = parser.parse_args(argv)
    started_all = time.perf_counter()

    records = generate(args.records, args.seed)
    truth = true_overlap(records)
    key = agency_key(args.seed)
    result: dict[str, Any] = {"records": len(records), "variants": {}}
    variants = {
        "hardened": Encoder(key),
        "hardened_salted": Encoder(key, salt_year=True),
        "plain_clk": Encoder(key, harden=False),
        "plain_clk_names_only": Encoder(key, harden=False, dates=False),
    }
    given_only = {
        "given_field_plain": Encoder(key, harden=False, dates=False),
        "given_field_balanced": Encoder(key, dates=False),
        "given_field_balanced_salted": Encoder(key, dates=False, salt_year=True),
    }
    if args.variants:
        chosen = set(args.variants.split(","))
        variants = {k: v for k, v in variants.items() if k in chosen}
        given_only = {k: v for k, v in given_only.items() if k in chosen}
    result["given_field_attack"] = {}
    for name, encoder in given_only.items():
        share = attack(records, encode_all(records, encoder, given_only=True))
        result["given_field_attack"][name] = share
        print(f"{name:28} frequency attack re-identifies {share:.2%}", flush=True)
    for name, encoder in variants.items():
        started = time.perf_counter()
        encodings = encode_all(records, encoder)
        encoded = time.perf_counter()
        threshold = size_threshold(len(encodings)) if encoder.harden else PLAIN_THRESHOLD
        estimate = count_overlap(encodings, threshold)
        linked = time.perf_counter()
        result["variants"][name] = report(truth, estimate) | {
            "frequency_attack_reidentified": attack(records, encodings),
            "threshold": round(threshold, 4),
            "encode_seconds": round(encoded - started, 2),
            "link_seconds": round(linked - encoded, 2),
        }
        print_row(name, result["variants"][name])
    field_variants = {"fields": None, "fields_known_persons": known_persons(records)}
    if args.variants:
        field_variants = {k: v for k, v in field_variants.items() if k in chosen}
    for name, persons in field_variants.items():
        started = time.perf_counter()
        persons = persons if persons is not None else local_persons(records)
        deduplicated = time.perf_counter()
        encodings = field_encodings(records, args.seed, persons)
        encoded = time.perf_counter()
        estimates = estimate_overlap(encodings)
        linked = time.perf_counter()
        result["variants"][name] = report(truth, estimates) | {
            "frequency_attack_reidentified": attack(records, encodings),
            "name_filter_attack_reidentified": attack(
                records, [Encoding(e.organisation, e.label, e.bits[:NAME_BYTES]) for e in encodings]
            ),
            "local_dedupe_seconds": round(deduplicated - started, 2),
            "encode_seconds": round(encoded - deduplicated, 2),
            "link_seconds": round(linked - encoded, 2),
        }
        print_row(name, result["variants"][name])
        print(json.dumps(result["variants"][name]["pairs"], indent=1))
    result["wall_seconds"] = round(time.perf_counter() - started_all, 1)
    if "hardened" in result["variants"]:
        print(json.dumps(result["variants"]["hardened"]["pairs"], indent=1))
    print(f"wall time {result['wall_seconds']}s for {len(records)} records")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
