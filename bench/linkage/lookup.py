"""One-record duplicate lookup against a large register, on the main database.

Builds N synthetic children (bench/linkage/generate.py: four agencies, four scripts, known
truth) in the database with bulk_create -- children, their names as written and their indexed
canonical keys, as registration writes them -- then times `possible_matches` (the lookup the
registration page runs, scored by the matcher) for a sample of new records of children
already in the register, reporting queries per lookup, p50/p95/max latency and how often the
true record is among the matches.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/qorgau_dedupe_bench \\
        uv run --group bench python bench/linkage/lookup.py --records 200000

The database is created and migrated if needed; a register already built with the same size
and seed is reused (--rebuild to start again).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.config.settings")

from generate import generate  # noqa: E402

TRUTH = "bench-truth:"
BATCH = 5_000


def _ensure_database(url: str) -> None:
    """CREATE DATABASE if it does not exist (PostgreSQL only)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def _names(row: dict[str, Any]) -> str:
    return " ".join(p for p in (row["surname"], row["given"], row["patronymic"]) if p)


def _script(row: dict[str, Any]) -> str:
    if row["script"] == "Latin":
        return "latin"
    return "kk" if row["source"] == "social" else "ru"


def _sex(row: dict[str, Any]) -> str:
    return {"m": "male", "f": "female"}.get(row["sex"] or "", "unknown")


def build(records: int, seed: int, rebuild: bool) -> tuple[Any, Any, list[dict[str, Any]]]:
    """The register (reused when it already holds `records` children), a case manager, and
    the sample rows (records of the same children that are not in the register)."""
    from django.core.management import call_command
    from django.db import connection

    from qorgau.accounts.models import Membership, Organisation, OrganisationType, Region, User
    from qorgau.accounts.roles import Role
    from qorgau.cases.models import Child, ChildName, ChildNameKey
    from qorgau.cases.services import birth_interval, name_key_rows
    from qorgau.core.workspaces import real_workspace

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        call_command("load_reference", verbosity=0)
    workspace = real_workspace()
    regions = list(Region.objects.filter(valid_to__isnull=True).order_by("key"))
    types = {t.key: t for t in OrganisationType.objects.all()}
    agency_types = {
        "police": "police",
        "social": "social_protection",
        "ngo": "ngo",
        "passport": "akimat",
    }
    organisations = {
        agency: Organisation.objects.get_or_create(
            name=f"Bench {agency}", region=regions[0], defaults={"type": types[key]}
        )[0]
        for agency, key in agency_types.items()
    }
    user, _ = User.objects.get_or_create(username="bench-lookup")
    Membership.objects.get_or_create(
        user=user, organisation=organisations["social"], role=Role.CASE_MANAGER
    )
    # Sample records: extra rows of children already in the register, found by truth.
    rows = generate(records + records // 20, seed)
    register, rest = rows[:records], rows[records:]
    in_register = {r["child_id"] for r in register}
    sample = [r for r in rest if r["child_id"] in in_register]

    marker = f"{TRUTH}{records}:{seed}"
    existing = Child.objects.in_workspace(workspace).filter(address__startswith=TRUTH)
    if (
        not rebuild
        and existing.count() == records
        and existing.filter(guardian_contact=marker).count() == records
    ):
        print(f"reusing the register of {records} children", flush=True)
        return user, workspace, sample
    print(f"building a register of {records} children ...", flush=True)
    started = time.perf_counter()
    ChildNameKey.objects.in_workspace(workspace).filter(child__address__startswith=TRUTH).delete()
    ChildName.objects.in_workspace(workspace).filter(child__address__startswith=TRUTH).delete()
    existing.delete()
    region_by_name: dict[str, Region] = {}
    for start in range(0, len(register), BATCH):
        batch = register[start : start + BATCH]
        children = []
        for row in batch:
            birth = date.fromisoformat(row["birth_date"]) if row["birth_date"] else None
            recorded = date.fromisoformat(row["recorded_on"])
            interval = birth_interval(
                birth_date=birth, age_min=row["age_min"], age_max=row["age_max"], on=recorded
            )
            region = region_by_name.setdefault(
                row["region"], regions[len(region_by_name) % len(regions)]
            )
            children.append(
                Child(
                    workspace=workspace,
                    organisation=organisations[row["source"]],
                    registered_by=user,
                    birth_date=birth,
                    age_min=row["age_min"],
                    age_max=row["age_max"],
                    age_estimated_on=recorded if row["age_min"] is not None else None,
                    birth_year_min=interval.earliest.year if interval else None,
                    birth_year_max=interval.latest.year if interval else None,
                    sex=_sex(row),
                    region=region,
                    address=f"{TRUTH}{row['child_id']}",
                    guardian_contact=marker,
                )
            )
        Child.objects.bulk_create(children, batch_size=BATCH)
        ChildName.objects.bulk_create(
            (
                ChildName(
                    workspace=workspace,
                    child=child,
                    full_name=_names(row),
                    script=_script(row),
                    source=row["source"],
                )
                for child, row in zip(children, batch, strict=True)
                if _names(row)
            ),
            batch_size=BATCH,
        )
        ChildNameKey.objects.bulk_create(
            (
                ChildNameKey(workspace=workspace, child=child, key=key, kind=kind)
                for child, row in zip(children, batch, strict=True)
                for key, kind in sorted(name_key_rows(_names(row)))
            ),
            batch_size=BATCH,
        )
        done = start + len(batch)
        if done % 50_000 == 0 or done == len(register):
            print(f"  {done} children, {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would, soon: statistics, and the visibility map index-only scans need.
            cursor.execute("VACUUM ANALYZE cases_child")
            cursor.execute("VACUUM ANALYZE cases_childname")
            cursor.execute("VACUUM ANALYZE cases_childnamekey")
    return user, workspace, sample


def measure(user: Any, workspace: Any, sample: list[dict[str, Any]]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qorgau.accounts.permissions import grants
    from qorgau.cases.duplicates import possible_matches
    from qorgau.cases.models import Child

    grants(user)
    truth = {}
    latencies, cpu, database, queries, shown, found = [], [], [], [], [], 0
    for index, row in enumerate(sample):
        names = [_names(row)] if _names(row) else []
        if not names:
            continue
        birth = date.fromisoformat(row["birth_date"]) if row["birth_date"] else None
        kwargs = {
            "user": user,
            "workspace": workspace,
            "names": names,
            "birth_date": birth,
            "age_min": row["age_min"],
            "age_max": row["age_max"],
            "on": date.fromisoformat(row["recorded_on"]),
            "sex": _sex(row),
        }
        if index == 0:
            possible_matches(**kwargs)  # warm the connection and the caches
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            matches = possible_matches(**kwargs)
            latencies.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        database.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        queries.append(len(captured))
        shown.append(len(matches))
        truth[index] = (row["child_id"], matches)
    # Recall of the lookup: is a record of the same child among the matches? (Other
    # organisations' matches carry no child, so look them up by organisation afterwards.)
    for child_id, matches in truth.values():
        same = set(
            Child.objects.in_workspace(workspace)
            .filter(address=f"{TRUTH}{child_id}")
            .values_list("organisation_id", flat=True)
        )
        if any(m.organisation.pk in same for m in matches):
            found += 1
    ordered = sorted(latencies)
    return {
        "lookups": len(latencies),
        "queries_per_lookup": sorted(set(queries)),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
        "p50_python_cpu_ms": round(statistics.median(cpu), 1),
        "p95_python_cpu_ms": round(sorted(cpu)[int(0.95 * (len(cpu) - 1))], 1),
        "p50_database_ms": round(statistics.median(database), 1),
        "p95_database_ms": round(sorted(database)[int(0.95 * (len(database) - 1))], 1),
        "mean_matches_shown": round(statistics.mean(shown), 2),
        "true_record_among_matches": round(found / max(len(truth), 1), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=500, help="lookups to time")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        parser.error("set DATABASE_URL (PostgreSQL), e.g. postgres://postgres@127.0.0.1:55432/x")
    _ensure_database(url)
    os.environ.setdefault("QORGAU_DATA_DIR", str(HERE.parents[1] / "bench" / "results"))

    import django

    django.setup()
    from django.db import connection

    user, workspace, sample = build(args.records, args.seed, args.rebuild)
    version = getattr(connection, "pg_version", "")
    result = {
        "records": args.records,
        "seed": args.seed,
        "database": f"{connection.vendor} {version}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg(),
        **measure(user, workspace, sample[: args.sample]),
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
