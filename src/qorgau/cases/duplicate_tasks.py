"""Background work of duplicate review: a scan runs in the worker (`qorgau worker`)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_duplicate_scan(*, scan_id: int) -> int:
    """Run one queued scan; returns the number of pairs stored (a failure is kept on the scan)."""
    from qorgau.cases.duplicate_models import DuplicateScan
    from qorgau.cases.duplicates import duplicate_scan_run

    scan = DuplicateScan.objects.across_workspaces().select_related("workspace").get(pk=scan_id)
    if scan.status == DuplicateScan.Status.DONE:
        return scan.pairs_found  # run already (the demo runs its scan at once)
    try:
        return duplicate_scan_run(scan=scan).pairs_found
    except Exception:
        logger.exception("duplicate scan %s failed", scan_id)
        DuplicateScan.objects.across_workspaces().filter(pk=scan_id).update(
            status=DuplicateScan.Status.FAILED, finished_at=timezone.now()
        )
        raise
