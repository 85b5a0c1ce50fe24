"""One search across the register: residents, households, shops and buildings in the user's
scope, by name (任爱香, 爱香), pinyin (renaixiang) or its initials (rax), the beginning of an
address (临江) or any fragment of three characters or more (1单元302), or the last four digits of
a phone or ID number (a whole number typed must match as a whole).

Each kind is one query, and each starts from the user's scope (``gridapp.scope``): the keys
(``gridapp.models.SearchKey``) are matched within the user's grids first, by their beginning
(``LIKE 'rax%'`` on the index of grid, kind and key), or equal to a number's last four; an
address fragment is matched by the trigram index of the addresses on PostgreSQL (migration
0010). Every kind lists at most ``limit`` records, and says whether there are more.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridapp import scope
from gridapp.core.search_keys import DIGITS_MARK, fold, has_han
from gridapp.models import Household, Resident, SearchKey, SearchKind, Shop

PER_KIND = 8
CANDIDATES = 200  # matches of a kind looked at, of which the first PER_KIND in order are listed
MAX_LENGTH = 100  # what is typed; a longer text is no search
MIN_LETTERS = 2  # one letter of pinyin would list half the grid
MIN_FRAGMENT = 3  # an address fragment: what a trigram index can narrow
KINDS = ("residents", "households", "shops", "buildings")

_PINYIN = re.compile(r"^[a-z]+$")
_NUMBER = re.compile(r"^\d+x?$")


@dataclass(frozen=True)
class Query:
    """What the search matches: keys by their beginning (``prefix``) or a number's last four
    digits (``last_four``, with the whole number typed as ``number`` when it is longer), and
    addresses by a ``fragment``. ``problem`` says why there is nothing to search."""

    typed: str = ""
    prefix: str = ""
    last_four: str = ""
    number: str = ""
    fragment: str = ""
    problem: str = ""

    @property
    def searches(self):
        return bool(self.prefix or self.last_four or self.fragment)


def parse(typed):
    """Read what was typed; nothing typed, or too little or too much, searches nothing."""
    typed = (typed or "").strip()
    if len(typed) > MAX_LENGTH:
        return Query(problem=gettext_lazy("That is too long to search: type a name, an address or 4 digits."))
    text = fold(typed)
    if not text:
        return Query(typed=typed)
    # An address is matched as written (a dash or a dot may be part of it), invisible characters aside.
    fragment = "".join(ch for ch in unicodedata.normalize("NFKC", typed) if unicodedata.category(ch)[0] not in "CZ")
    fragment = fragment if len(fragment) >= MIN_FRAGMENT else ""
    if _PINYIN.match(text):
        if len(text) < MIN_LETTERS:
            return Query(typed=typed, problem=gettext_lazy("Type at least two letters of the pinyin."))
        return Query(typed=typed, prefix=text)
    if _NUMBER.match(text):
        if len(text) < 4:  # part of an address (a room number), or too little to find anything by
            problem = "" if fragment else gettext_lazy("Type the last 4 digits.")
            return Query(typed=typed, fragment=fragment, problem=problem)
        number = text if len(text) > 4 else ""
        return Query(typed=typed, last_four=f"{DIGITS_MARK}{text[-4:]}", number=number, fragment=fragment)
    if len(text) == 1 and not has_han(text):
        return Query(typed=typed, problem=gettext_lazy("Type a little more."))
    return Query(typed=typed, prefix=text, fragment=fragment)


@dataclass
class Results:
    query: Query
    residents: list = field(default_factory=list)
    households: list = field(default_factory=list)
    shops: list = field(default_factory=list)
    buildings: list = field(default_factory=list)
    more: set = field(default_factory=set)  # the kinds with more than were listed

    @property
    def found(self):
        return any(getattr(self, kind) for kind in KINDS)


# kind → (SearchKind, the scope's list, its path to the grid, the record's phones, its order)
LISTS = {
    "residents": (SearchKind.RESIDENT, scope.residents, "household__grid", ("mobile", "id_number"), ("name", "pk")),
    "households": (SearchKind.HOUSEHOLD, scope.households, "grid", ("phone",), ("address", "pk")),
    "shops": (SearchKind.SHOP, scope.shops, "grid", ("phone",), ("name", "pk")),
    "buildings": (SearchKind.BUILDING, scope.buildings, "grid", (), ("road", "number", "pk")),
}
# Kinds with an address to find by a fragment (households: their own; shops: theirs).
BY_ADDRESS = {"households", "shops"}


def search(user, typed, *, kinds=KINDS, grid=None, limit=PER_KIND):
    """The records of ``kinds`` in the user's scope (and in ``grid``, an id, if given) that
    match ``typed``: at most ``limit`` of each, one query each."""
    query = parse(typed)
    results = Results(query)
    if not query.searches:
        return results
    for kind in kinds:
        found = list(_matches(user, kind, query, grid)[: limit + 1])
        if len(found) > limit:
            results.more.add(kind)
        setattr(results, kind, found[:limit])
    return results


def _matches(user, kind, query, grid):
    search_kind, listing, grid_path, numbers, order = LISTS[kind]
    records = listing(user)
    keys = SearchKey.objects.filter(grid__in=scope.grids(user).values("pk"), kind=search_kind)
    if grid is not None:
        records = records.filter(**{grid_path: grid})
        keys = keys.filter(grid=grid)
    candidates = _keys(keys, query).values("record_id")
    if query.fragment and kind in BY_ADDRESS:
        by_address = records.filter(address__contains=query.fragment).order_by().values("pk")
        candidates = candidates.union(by_address, all=True)
    # Bounded, the candidates are found first and sorted after: without the bound, PostgreSQL may
    # rather walk the whole town's records in order until it meets enough of them (an admin's "临江").
    records = records.filter(pk__in=candidates[:CANDIDATES])
    if query.number and numbers:
        # The whole number typed: its last four found the candidates, the number decides.
        records = records.filter(_number_or_address(kind, numbers, query))
    return records.order_by(*order)


def _keys(keys, query):
    if query.last_four:
        return keys.filter(key=query.last_four)
    if query.prefix:
        return keys.filter(key__startswith=query.prefix)
    return keys.none()


def _number_or_address(kind, numbers, query):
    """A number of more than four digits: a phone or ID number that ends with it, or an address
    that holds it (found by its fragment)."""
    match = Q(address__contains=query.fragment) if query.fragment and kind in BY_ADDRESS else Q()
    for name in numbers:
        match |= Q(**{f"{name}__iendswith": query.number})
    return match


def label(record):
    """How a record picked by search reads on its chip: enough to tell two 王建国 apart."""
    if isinstance(record, Resident):
        age = _("%(age)s years") % {"age": record.age}
        return f"{record.name} · {age} · {record.household.address}"
    if isinstance(record, Household):
        return f"{record.address} · {record.head_name}"
    if isinstance(record, Shop):
        return f"{record.name} · {record.address}"
    return f"{record} {record.name}".strip()
