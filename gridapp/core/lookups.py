"""A number no integer column can hold matches no row, whatever the lookup: Django already says
so for ``id=…`` and ``id__gt=…``, but ``id__in=[…]`` and a foreign key's ``grid=…`` sent it to the
database, and SQLite raised OverflowError (a server error) when a form's multiple-choice field or
an admin list's filter was posted a huge id."""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignKey, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _out_of_range(field, value, connection):
    if not isinstance(value, int) or isinstance(value, bool) or not isinstance(field, IntegerField):
        return False
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low is not None and value < low) or (high is not None and value > high)


def _in_range(lookup, field, connection):
    """The values of an ``in`` lookup that some row could hold."""
    lookup.rhs = [value for value in lookup.rhs if not _out_of_range(field, value, connection)]


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            _in_range(self, self.lhs.output_field, connection)
        return super().process_rhs(compiler, connection)


@ForeignKey.register_lookup
class ForeignKeyExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if _out_of_range(self.lhs.output_field.target_field, self.rhs, connection):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


@ForeignKey.register_lookup
class ForeignKeyIn(RelatedIn):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            _in_range(self, self.lhs.output_field.target_field, connection)
        return super().process_rhs(compiler, connection)


@ForeignKey.register_lookup
@Field.register_lookup
class InFirst(In):
    """``field__in_first=subquery``: ``field__in``, with the subquery computed first.

    On PostgreSQL, ``x IN (SELECT …)`` is planned as a join, and the planner may rather read a
    whole table (every resident of the town) and keep the few rows of one grid than look up the
    grid's rows by index. ``x = ANY(ARRAY(SELECT …))`` is computed once, before the outer query
    (an InitPlan), and the outer rows are then found by their index: the grid first. Use it for
    a small set of ids (a grid's or a community's) against a large table. SQLite plans ``IN``
    that way already.
    """

    lookup_name = "in_first"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # rhs is the compiled subquery in its parentheses: ARRAY(SELECT …).
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
