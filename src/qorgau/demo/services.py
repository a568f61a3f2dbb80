"""Loading the demo: idempotent, so running it twice adds nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from qorgau.accounts.models import Membership, Organisation, OrganisationType, Region, User
from qorgau.accounts.services import reference_data_load, user_create
from qorgau.core.workspaces import real_workspace
from qorgau.demo.data import DEMO_PASSWORD, ORGANISATIONS, USERS
from qorgau.demo.directory import directory_demo_load
from qorgau.demo.protect import protect_demo_load
from qorgau.demo.training import training_demo_load
from qorgau.demo.training_resources import training_resources_demo_load
from qorgau.screening.services import catalogue_load_packaged, pathway_rules_load_packaged


@dataclass(frozen=True)
class DemoLoad:
    organisations_created: int
    users_created: int


@transaction.atomic
def demo_load() -> DemoLoad:
    reference_data_load()
    catalogue_load_packaged()
    pathway_rules_load_packaged()
    real_workspace()
    created_orgs = 0
    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=spec.name,
            region=Region.objects.get(key=spec.region_key),
            defaults={
                "type": OrganisationType.objects.get(key=spec.type_key),
                "parent": organisations.get(spec.parent) if spec.parent else None,
            },
        )
        organisations[spec.key] = organisation
        created_orgs += created
    created_users = 0
    for person in USERS:
        organisation = organisations[person.organisation]
        if User.objects.filter(username=person.username).exists():
            user = User.objects.get(username=person.username)
            Membership.objects.get_or_create(user=user, organisation=organisation, role=person.role)
            continue
        user_create(
            actor=None,
            organisation=organisation,
            username=person.username,
            password=DEMO_PASSWORD,
            roles=[person.role],
            first_name=person.first_name,
            last_name=person.last_name,
            language=person.language,
        )
        created_users += 1
    training_demo_load(organisations=organisations)
    training_resources_demo_load(organisations=organisations)
    directory_demo_load(organisations=organisations)
    protect_demo_load(organisations=organisations)
    return DemoLoad(organisations_created=created_orgs, users_created=created_users)
