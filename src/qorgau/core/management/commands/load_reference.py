from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from qorgau.accounts.services import reference_data_load
from qorgau.directory.services import service_types_load
from qorgau.screening.services import catalogue_load_packaged, pathway_rules_load_packaged


class Command(BaseCommand):
    help = (
        "Load the reference data shipped with Qorgau: regions, organisation types, the indicator "
        "catalogue, the pathway rules and the directory's service types. Idempotent; published "
        "versions are never changed."
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_data_load()
        catalogue = catalogue_load_packaged()
        rules = pathway_rules_load_packaged()
        service_types = service_types_load()
        self.stdout.write(
            f"{counts.regions} regions, {counts.organisation_types} organisation types, "
            f"indicator catalogue v{catalogue.version}, pathway rules v{rules.version}, "
            f"{service_types} service types"
        )
