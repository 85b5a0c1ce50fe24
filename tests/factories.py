"""factory_boy factories for the register. IDs and phones they make are valid."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from gridapp.core.validators import id_check_char
from gridapp.models import Building, Community, Grid, Household, Resident, Role, Shop, Town
from gridapp.register import search_index

_serial = itertools.count(1)


def make_id_number(date_of_birth, region="330109"):
    """A valid GB 11643 number for a date of birth, unique per call."""
    body = f"{region}{date_of_birth:%Y%m%d}{next(_serial) % 1000:03d}"
    return body + id_check_char(body)


def make_mobile():
    return f"139{next(_serial):08d}"


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ["name"]

    name = "临浦镇"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"社区{n}")
    code = factory.Sequence(lambda n: f"C{n}")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}网格")


class _Indexed(factory.django.DjangoModelFactory):
    """A record of the register made straight with the ORM gets its search keys, as the register's
    services, the import and the demo world give them (``gridapp.register.search_index``)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        record = super()._create(model_class, *args, **kwargs)
        kind = {Building: "buildings", Household: "households", Resident: "residents", Shop: "shops"}[model_class]
        search_index.refresh(**{kind: [record]})
        return record


class BuildingFactory(_Indexed):
    class Meta:
        model = Building

    grid = factory.SubFactory(GridFactory)
    community = factory.LazyAttribute(lambda o: o.grid.community)
    road = "临江路"
    number = factory.Sequence(lambda n: str(n + 1))
    year_built = 1988


class HouseholdFactory(_Indexed):
    class Meta:
        model = Household

    grid = factory.SubFactory(GridFactory)
    address = factory.Sequence(lambda n: f"通二路{n + 1}号")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    phone = factory.LazyFunction(make_mobile)


class ResidentFactory(_Indexed):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"居民{n}")
    sex = "F"
    date_of_birth = datetime.date(1945, 3, 8)
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.date_of_birth))
    mobile = factory.LazyFunction(make_mobile)


class ShopFactory(_Indexed):
    class Meta:
        model = Shop

    grid = factory.SubFactory(GridFactory)
    name = factory.Sequence(lambda n: f"小店{n}")
    address = factory.Sequence(lambda n: f"峙山北路{n + 1}号")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


def give_role(user, kind, *, grid=None, community=None):
    Role.objects.create(user=user, kind=kind, grid=grid, community=community)
    return user
