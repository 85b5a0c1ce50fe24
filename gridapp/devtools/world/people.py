"""Towns, communities and grids, and the people of the scope rules: a full-time worker and the
police station's part-time officer (一格一警) on every grid, two staff per community, four
departments per town with two members each, and an administrator per town."""

import dataclasses
import datetime
import random
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gridapp.models import Community, Grid, Role, RoleKind, Town

from . import names
from .copy import Writer, next_id

# The password of every generated account (a development database only: BenchCommand refuses any
# other); the benchmark logs in without it.
PASSWORD = "bench-world"  # noqa: S105 -- a published password of a development database


@dataclasses.dataclass(frozen=True)
class Scale:
    towns: int
    communities: int  # per town
    grids: int  # per community
    households: int  # per grid
    residents: int  # per grid
    shops: int  # per grid
    visits: int  # per grid
    cases: int  # per grid

    def total(self, what):
        """How many in the whole world: ``total("visits")``."""
        grids = self.towns * self.communities * self.grids
        return grids if what == "grids" else grids * getattr(self, what)


SCALES = {
    "tiny": Scale(1, 2, 2, 30, 75, 6, 300, 80),
    "town": Scale(1, 10, 10, 1_000, 2_500, 100, 10_000, 1_000),
    "district": Scale(20, 20, 10, 100, 250, 10, 2_500, 250),
}


@dataclasses.dataclass
class GridPeople:
    grid_id: int
    community_id: int
    number: int
    worker: int
    officer: int
    staff: tuple
    departments: dict  # kind → (department id, member ids)


class Ids:
    """The next id of each table: a world added beside another continues after it."""

    def __init__(self):
        self.next = {}

    def take(self, model):
        if model not in self.next:
            self.next[model] = next_id(model)
        value = self.next[model]
        self.next[model] = value + 1
        return value


class PeopleMixin:
    """Builds the places and the accounts; ``self.grids`` lists a GridPeople per grid."""

    def __init__(self, *, scale, seed, anchor):
        self.scale = scale
        self.rng = random.Random(seed)
        self.anchor = anchor  # every time in the world is before it
        self.tz = timezone.get_current_timezone()
        self.today = anchor.astimezone(self.tz).date()
        self.writer = Writer(now=anchor)
        self.ids = Ids()
        self.grids = []
        self.password = make_password(PASSWORD, salt=f"bench{seed}")

    def uuid(self, unique):
        """A version-4 UUID that is ``unique``'s alone (a world added with the same seed too)."""
        return uuid.UUID(int=(unique << 80) | self.rng.getrandbits(76), version=4)

    def name(self):
        rng = self.rng
        given = rng.choice(names.GIVEN) + ("" if rng.random() < 0.3 else rng.choice(names.GIVEN))
        return rng.choice(names.SURNAMES), given

    def ago(self, days_max, days_min=0):
        """A moment between ``days_max`` and ``days_min`` days before the anchor."""
        return self.anchor - datetime.timedelta(seconds=self.rng.uniform(days_min * 86400, days_max * 86400))

    def open_people(self):
        w = self.writer
        User = get_user_model()
        self.users = w.open(
            User, "id", "username", "password", "first_name", "last_name", "email", "is_active", "date_joined"
        )
        self.towns = w.open(Town, "id", "name")
        self.communities = w.open(Community, "id", "town_id", "name", "code")
        self.grid_rows = w.open(Grid, "id", "community_id", "number", "name")
        self.roles = w.open(Role, "id", "user_id", "kind", "grid_id", "community_id", "part_time")
        from cases.models import Department

        self.departments = w.open(Department, "id", "town_id", "name", "kind")
        self.members = w.open(Department.members.through, "id", "department_id", "user_id")

    def user(self, username, kind_name=None):
        user_id = self.ids.take(self.users.model)
        surname, given = self.name()
        self.users.add(
            user_id,
            f"{username}{user_id}",
            self.password,
            given,
            surname,
            "",
            True,
            self.anchor - datetime.timedelta(days=800),
        )
        return user_id

    def role(self, user_id, kind, grid_id=None, community_id=None, part_time=False):
        self.roles.add(self.ids.take(Role), user_id, kind, grid_id, community_id, part_time)

    def build_people(self):
        from cases.models import Department

        s = self.scale
        for _t in range(s.towns):
            town_id = self.ids.take(Town)
            self.towns.add(town_id, f"基准镇{town_id}")
            self.role(self.user("admin"), RoleKind.ADMIN)
            departments = {}
            for label, kind in names.DEPARTMENTS:
                department_id = self.ids.take(Department)
                self.departments.add(department_id, town_id, f"{label}{department_id}", kind)
                members = tuple(self.user(f"dept{department_id}-") for _ in range(2))
                for member in members:
                    self.members.add(self.ids.take(Department.members.through), department_id, member)
                departments[kind] = (department_id, members)
            for _c in range(s.communities):
                community_id = self.ids.take(Community)
                self.communities.add(community_id, town_id, f"社区{community_id}", f"C{community_id}")
                staff = tuple(self.user("staff") for _ in range(2))
                for member in staff:
                    self.role(member, RoleKind.COMMUNITY_STAFF, community_id=community_id)
                for number in range(1, s.grids + 1):
                    grid_id = self.ids.take(Grid)
                    self.grid_rows.add(grid_id, community_id, number, f"第{number}网格")
                    worker, officer = self.user("worker"), self.user("officer")
                    self.role(worker, RoleKind.GRID_WORKER, grid_id=grid_id)
                    self.role(officer, RoleKind.GRID_WORKER, grid_id=grid_id, part_time=True)
                    self.grids.append(GridPeople(grid_id, community_id, number, worker, officer, staff, departments))
        self.writer.flush()
