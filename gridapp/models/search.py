"""The keys the register's search matches (``gridapp.core.search_keys`` computes them,
``gridapp.register.search_index`` keeps them current, ``gridapp.register.search`` reads them).

One row per way of finding a record: a resident has her name, given name, their pinyin and
initials, the last four digits of her mobile and of her ID number. A separate table rather than
columns on the records, because a name may be spelled several ways (a surname's readings) and a
resident's grid is her household's: the key carries the grid, so a search starts from the
user's grids and matches the key within them, in one index.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .places import Grid


class SearchKind(models.IntegerChoices):
    RESIDENT = 1, _("Resident")
    HOUSEHOLD = 2, _("Household")
    SHOP = 3, _("Shop")
    BUILDING = 4, _("Building")


class SearchKey(models.Model):
    """A key of a record of the register: derived data, rewritten whenever the record is."""

    kind = models.PositiveSmallIntegerField(choices=SearchKind.choices)
    record_id = models.BigIntegerField()
    # The record's grid (a resident's household's), so a search starts from the user's grids.
    # No constraint: keys are derived rows, written in bulk by the thousand (an import), and a
    # grid is never deleted; the index below leads with it.
    grid = models.ForeignKey(Grid, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False)
    key = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("search key")
        verbose_name_plural = _("search keys")
        indexes = [
            # search_index: a record's keys, to rewrite them. Not a unique constraint over the keys
            # too: an import writes hundreds of thousands of keys, each index entry costs, and
            # search_index writes a record's keys once each (a set) after deleting the old ones.
            models.Index(fields=["kind", "record_id"], name="search_key_record_idx"),
            # gridapp.register.search: the user's grids (an admin's too: one probe a grid), then
            # the kind, then the key by its beginning (LIKE 'rax%' needs the pattern operator
            # class on PostgreSQL, whose collation is not C; SQLite ignores it).
            models.Index(
                fields=["grid", "kind", "key"], name="search_key_grid_idx", opclasses=["", "", "varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.record_id}: {self.key}"
