"""A grid's register: buildings of twenty households, households of one to four residents (one
in ten an elderly person living alone, one in twenty an empty-nest couple, with their person
categories and care levels), shops, and the search keys of all of them."""

import dataclasses
import datetime

from gridapp.core import search_keys
from gridapp.core.validators import id_check_char
from gridapp.models import (
    Building,
    Household,
    HouseholdTag,
    HouseholdTagLink,
    PersonCategory,
    Resident,
    ResidentCategoryLink,
    SearchKey,
    SearchKind,
    Shop,
)
from visits.models import CareAssignment, CareLevel, CareRule

from . import names


@dataclasses.dataclass
class Home:
    id: int
    building_id: int
    residents: list
    cadence: int | None = None  # days between check-ins, if someone in it has a care level


class RegisterMixin:
    def open_register(self):
        w = self.writer
        self.buildings = w.open(Building, "id", "community_id", "grid_id", "road", "number", "year_built", "floors")
        self.households = w.open(
            Household, "id", "grid_id", "building_id", "unit", "room", "address", "head_name", "phone", "tenure"
        )
        self.tags = w.open(HouseholdTagLink, "id", "household_id", "tag")
        self.residents = w.open(
            Resident, "id", "household_id", "name", "sex", "date_of_birth", "id_number", "mobile", "is_head",
            "relation_to_head", "health_notes",
        )  # fmt: skip
        self.categories = w.open(ResidentCategoryLink, "id", "resident_id", "category")
        self.care = w.open(
            CareAssignment, "resident_id", "level_id", "assigned_on", "last_seen_on", "grid_id", "next_due_on"
        )
        self.shops = w.open(Shop, "id", "grid_id", "building_id", "name", "address", "business_type", "phone")
        self.keys = w.open(SearchKey, "kind", "record_id", "grid_id", "key")
        levels = {level.suggest_for: level for level in CareLevel.objects.all()}
        missing = {CareRule.ALONE_80_OR_EQUIPMENT, CareRule.ALONE, CareRule.EMPTY_NEST} - set(levels)
        if missing:
            raise LookupError(f"the care levels the migrations create are missing: {sorted(missing)}")
        self.levels = levels
        self.road_numbers = {}  # (community, road) → the last building number used

    def key(self, kind, record_id, grid_id, keys):
        for key in keys:
            self.keys.add(kind, record_id, grid_id, key)

    def id_number(self, resident_id, born):
        first = f"3{resident_id // 1000 % 100_000:05d}{born:%Y%m%d}{resident_id % 1000:03d}"
        return first + id_check_char(first)

    def build_register(self, grid):
        """The grid's homes (a Home per household) and shop ids."""
        rng, s = self.rng, self.scale
        buildings = []
        for _b in range(max(1, s.households // 20)):
            building_id = self.ids.take(Building)
            road = rng.choice(names.ROADS)
            number = self.road_numbers[grid.community_id, road] = (
                self.road_numbers.get((grid.community_id, road), 0) + 1
            )
            year = rng.randint(1975, 2020)
            self.buildings.add(
                building_id, grid.community_id, grid.grid_id, road, str(number), year, rng.randint(2, 18)
            )
            self.key(SearchKind.BUILDING, building_id, grid.grid_id, search_keys.building_keys(road, str(number), ""))
            buildings.append((building_id, f"{road}{number}幢"))
        homes = []
        residents_left = s.residents
        for index in range(s.households):
            building_id, building_name = buildings[index % len(buildings)]
            unit, room = 1 + index // len(buildings) % 3, 101 + (index // len(buildings) // 3) % 6 * 100
            address = f"{building_name}{unit}单元{room}室"
            left = s.households - index
            homes.append(self._household(grid, building_id, unit, room, address, residents_left, left))
            residents_left -= len(homes[-1].residents)
        shops = [self._shop(grid, buildings) for _ in range(s.shops)]
        return homes, shops

    def _household(self, grid, building_id, unit, room, address, residents_left, households_left):
        rng = self.rng
        household_id = self.ids.take(Household)
        kind = rng.random()
        if kind < 0.10 and residents_left >= households_left:
            ages, tag = [rng.randint(68, 95)], HouseholdTag.LIVING_ALONE
        elif kind < 0.15 and residents_left >= households_left + 1:
            age = rng.randint(65, 88)
            ages, tag = [age, age + rng.randint(-3, 3)], HouseholdTag.EMPTY_NEST
        else:
            average = residents_left / households_left
            size = max(1, min(5, round(rng.gauss(average, 1.0))))
            adult = rng.randint(28, 60)
            ages, tag = [adult, adult + rng.randint(-4, 4)][:size] + [rng.randint(1, 25) for _ in range(size - 2)], None
        home = Home(household_id, building_id, [])
        head_name = ""
        phone = f"0571-8{rng.randint(0, 9_999_999):07d}"
        for position, age in enumerate(ages):
            surname, given = self.name()
            name = surname + given
            head_name = head_name or name
            resident_id = self.ids.take(Resident)
            born = self.today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
            mobile = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}" if age >= 16 else ""
            id_number = self.id_number(resident_id, born)
            equipment = tag == HouseholdTag.LIVING_ALONE and rng.random() < 0.05
            self.residents.add(
                resident_id, household_id, name, "FM"[rng.random() < 0.5], born, id_number, mobile, position == 0,
                "本人" if position == 0 else ("配偶" if position == 1 else "子女"),
                "依赖家用呼吸机" if equipment else "",
            )  # fmt: skip
            self.key(SearchKind.RESIDENT, resident_id, grid.grid_id, search_keys.resident_keys(name, mobile, id_number))
            home.residents.append(resident_id)
            if tag is not None:
                self._cared(home, resident_id, tag, age, equipment)
        if tag is not None:
            self.tags.add(self.ids.take(HouseholdTagLink), household_id, tag)
        self.households.add(
            household_id, grid.grid_id, building_id, str(unit), str(room), address, head_name, phone, "owner"
        )
        self.key(
            SearchKind.HOUSEHOLD, household_id, grid.grid_id, search_keys.household_keys(head_name, phone, address)
        )
        return home

    def _cared(self, home, resident_id, tag, age, equipment):
        if tag == HouseholdTag.LIVING_ALONE:
            categories = [PersonCategory.ELDERLY_ALONE] + ([PersonCategory.MEDICAL_EQUIPMENT] if equipment else [])
            rule = CareRule.ALONE_80_OR_EQUIPMENT if age >= 80 or equipment else CareRule.ALONE
        else:
            categories, rule = [PersonCategory.EMPTY_NEST], CareRule.EMPTY_NEST
        for category in categories:
            self.categories.add(self.ids.take(ResidentCategoryLink), resident_id, category)
        level = self.levels[rule]
        home.cadence = min(home.cadence or level.cadence_days, level.cadence_days)
        # last_seen_on is filled when the grid's visits are known (activity.py)
        self.cared[resident_id] = level.pk

    def _shop(self, grid, buildings):
        rng = self.rng
        shop_id = self.ids.take(Shop)
        word, (kind, business) = rng.choice(names.SHOP_WORDS), rng.choice(names.SHOP_KINDS)
        building_id, building_name = rng.choice(buildings)
        name, address = f"{word}{kind}", f"{building_name}{rng.randint(1, 30)}号"
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
        self.shops.add(shop_id, grid.grid_id, building_id, name, address, business, phone)
        self.key(SearchKind.SHOP, shop_id, grid.grid_id, search_keys.shop_keys(name, "", phone, address))
        return shop_id

    def write_care(self, grid, last_seen):
        """The care assignments of the grid's cared-for residents, with the day each was last seen,
        and the grid and next due date the check-in lists read (visits.checkins.refresh_due: the
        world's residents are all current)."""
        assigned = self.today - datetime.timedelta(days=400)
        cadence = {level.pk: level.cadence_days for level in self.levels.values()}
        for resident_id, level_id in self.cared.items():
            seen = last_seen.get(resident_id)
            due = seen + datetime.timedelta(days=cadence[level_id]) if seen else assigned
            self.care.add(resident_id, level_id, assigned, seen, grid.grid_id, due)
        self.cared = {}
