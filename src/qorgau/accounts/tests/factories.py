from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from qorgau.accounts.models import Membership, Organisation, OrganisationType, Region, User

TEST_PASSWORD = "correct-horse-battery-staple-42"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"KZ-T{n}")
    iso_code = factory.SelfAttribute("key")
    kind = Region.Kind.REGION
    name_kk = factory.Sequence(lambda n: f"Сынақ облысы {n}")
    name_ru = factory.Sequence(lambda n: f"Тестовая область {n}")
    name_en = factory.Sequence(lambda n: f"Test Region {n}")


class OrganisationTypeFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationType
        django_get_or_create = ("key",)

    key = "ngo"
    sector = "civil_society"
    name_kk = "ҮЕҰ"
    name_ru = "НПО"
    name_en = "NGO"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = factory.SubFactory(OrganisationTypeFactory)
    region = factory.SubFactory(RegionFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")

    @factory.post_generation
    def password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "front_line"


def user_with_role(role: str, organisation: Organisation | None = None, **kwargs: Any) -> User:
    """A user holding one role in one organisation (a new organisation unless given)."""
    membership = MembershipFactory(
        role=role, organisation=organisation or OrganisationFactory(), user=UserFactory(**kwargs)
    )
    return membership.user
