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
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+", db_index=False)  # see indexes
    key = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("search key")
        verbose_name_plural = _("search keys")
        constraints = [
            # Also the index that finds a record's keys to rewrite them.
            models.UniqueConstraint(fields=["kind", "record_id", "key"], name="search_key_unique"),
        ]
        indexes = [
            # gridapp.register.search for workers and staff: the user's grids, then the kind, then
            # the key by its beginning (LIKE 'rax%' needs the pattern operator class on PostgreSQL,
            # whose collation is not C; SQLite ignores it).
            models.Index(
                fields=["grid", "kind", "key"], name="search_key_grid_idx", opclasses=["", "", "varchar_pattern_ops"]
            ),
            # The same for admins, who search every grid.
            models.Index(fields=["kind", "key"], name="search_key_town_idx", opclasses=["", "varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.record_id}: {self.key}"
