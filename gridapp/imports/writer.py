"""Writing a checked plan: bulk inserts and updates in batches, each with its history rows
(who: the importing user; why: the import), so the register's history pages show the import.

Called inside the import's transaction (``services.commit``): an error or a cancel between two
batches rolls everything back. Model instances are built one batch at a time, so memory grows
with the batch, not the file. Every row written gets its search keys in the same batch
(``gridapp.register.search_index``): a new row's from the row in hand, a changed one's read back.
"""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from gridapp.models import Building, Household, HouseholdTagLink, Resident, ResidentCategoryLink, Shop
from gridapp.register import search_index
from gridapp.register.signals import placement_changed

BATCH = 2000


class Writer:
    def __init__(self, plan, *, by, reason, report):
        self.plan, self.by, self.reason, self.report = plan, by, reason, report
        self.now = timezone.now()
        self.done = 0
        self.total = self._total()

    def _total(self):
        plan = self.plan
        if plan.kind == "shops":
            return len(plan.shops)
        return sum(1 + len(h.residents) for h in plan.households.values())

    def _step(self, n):
        self.done += n
        self.report("saving", self.done, self.total)

    def _create(self, model, objs):
        return bulk_create_with_history(
            objs, model, batch_size=BATCH, default_user=self.by, default_change_reason=self.reason
        )

    def _update(self, model, objs, fields):
        bulk_update_with_history(
            objs, model, [*fields, "updated_at"] if hasattr(model, "updated_at") else fields,
            batch_size=BATCH, default_user=self.by, default_change_reason=self.reason,
        )  # fmt: skip

    def write(self):
        self._buildings()
        if self.plan.kind == "shops":
            self._shops()
        else:
            self._households()
            self._residents()

    def _buildings(self):
        plan = self.plan
        if not plan.new_buildings:
            return
        objs = [
            Building(community_id=plan.grid.community_id, grid=plan.grid, road=road, number=number)
            for road, number in plan.new_buildings
        ]
        created = self._create(Building, objs)
        for building in created:
            plan.buildings[(building.road, building.number)] = building.pk
        search_index.add(created, grid_id=plan.grid.pk)

    # --- households ------------------------------------------------------------------------------

    def _households(self):
        plan = self.plan
        rows = list(plan.households.values())
        for i in range(0, len(rows), BATCH):
            batch = rows[i : i + BATCH]
            new = [h for h in batch if h.pk is None]
            changed = [h for h in batch if h.pk is not None and (h.changes or h.add_tags or h.remove_tags)]
            objs = [
                Household(
                    grid=plan.grid,
                    building_id=plan.buildings.get(h.building_key) if h.building_key else None,
                    unit=h.unit,
                    room=h.room,
                    address=h.address,
                    **h.changes,
                )
                for h in new
            ]
            created = self._create(Household, objs)
            for household, obj in zip(new, created, strict=True):
                household.pk = obj.pk
            self._apply(Household, changed, ("head_name", "phone", "tenure"))
            search_index.add(created, grid_id=plan.grid.pk)
            search_index.refresh(households=[h.pk for h in changed])
            self._links(
                HouseholdTagLink,
                "household_id",
                "tag",
                [(h.pk, h.add_tags, h.remove_tags) for h in batch if h.add_tags or h.remove_tags],
            )
            self._step(len(batch))

    def _apply(self, model, rows, fields):
        """Set each row's changes on the current objects and write them with their history.

        Each gets a new version, tags or categories alone changed too: an edit form loaded
        before the import is then refused instead of undoing it (gridapp.core.versions). The
        rows are locked so that an edit saved meanwhile is not overwritten with its version."""
        if not rows:
            return
        objs = model.objects.select_for_update().in_bulk([r.pk for r in rows])
        changed_fields = set()
        for row in rows:
            obj = objs[row.pk]
            for name, value in row.changes.items():
                setattr(obj, name, value)
                changed_fields.add(name)
            obj.updated_at = self.now
            obj.version += 1
        self._update(model, list(objs.values()), [*sorted(changed_fields & set(fields)), "version"])

    def _links(self, model, owner, name, changes):
        """Tags and categories: add the missing links, delete the dropped ones (with history)."""
        if not changes:
            return
        add = [model(**{owner: pk, name: value}) for pk, added, _removed in changes for value in added]
        if add:
            self._create(model, add)
        for pk, _added, removed in changes:
            if removed:
                for link in model.objects.filter(**{owner: pk, f"{name}__in": removed}):
                    link._history_user = self.by
                    link._change_reason = self.reason
                    link.delete()

    # --- residents -------------------------------------------------------------------------------

    def _residents(self):
        from .plan import RESIDENT_FIELDS

        plan = self.plan
        pairs = [(h, r) for h in plan.households.values() for r in h.residents]
        for i in range(0, len(pairs), BATCH):
            batch = pairs[i : i + BATCH]
            new = [(h, r) for h, r in batch if r.pk is None]
            matched = [
                (h, r) for h, r in batch if r.pk is not None and (r.changes or r.add_categories or r.remove_categories)
            ]
            objs = [Resident(household_id=h.pk, **r.fields(plan.resident_fields)) for h, r in new]
            created = self._create(Resident, objs)
            for (_h, resident), obj in zip(new, created, strict=True):
                resident.pk = obj.pk
            changed = []
            for household, resident in matched:
                if "household_id" in resident.changes:
                    resident.changes["household_id"] = household.pk
                changed.append(resident)
            self._apply(Resident, changed, RESIDENT_FIELDS)
            search_index.add(created, grid_id=plan.grid.pk)
            search_index.refresh(residents=[r.pk for r in changed])
            if moved := [r.pk for r in changed if "household_id" in r.changes]:
                placement_changed.send(sender=Resident, resident_ids=moved)
            self._links(
                ResidentCategoryLink,
                "resident_id",
                "category",
                [
                    (r.pk, r.add_categories, r.remove_categories)
                    for _h, r in batch
                    if r.add_categories or r.remove_categories
                ],
            )
            self._step(len(batch))

    # --- shops -----------------------------------------------------------------------------------

    def _shops(self):
        from .plan import SHOP_FIELDS

        plan = self.plan
        for i in range(0, len(plan.shops), BATCH):
            batch = plan.shops[i : i + BATCH]
            new = [s for s in batch if s.pk is None]
            objs = [
                Shop(
                    grid=plan.grid,
                    name=s.name,
                    address=s.address,
                    **{
                        **s.changes,
                        "building_id": plan.buildings.get(s.building_key) if s.building_key else None,
                    },
                )
                for s in new
            ]
            created = self._create(Shop, objs)
            changed = [s for s in batch if s.pk is not None and s.changes]
            for shop in changed:
                if "building_id" in shop.changes:
                    shop.changes["building_id"] = plan.buildings.get(shop.building_key)
            self._apply(Shop, changed, SHOP_FIELDS)
            search_index.add(created, grid_id=plan.grid.pk)
            search_index.refresh(shops=[s.pk for s in changed])
            self._step(len(batch))
