"""The benchmarks empty whole tables, so they refuse any database whose name does not end in
``_bench`` — before they touch it."""

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from gridapp.devtools.bench import BenchCommand, refuse_foreign_database
from gridapp.models import Household

from ..factories import HouseholdFactory

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"

# Overriding DATABASES makes Django warn that connections may misbehave; the guard only reads it.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def databases(engine, name):
    return {"default": {"ENGINE": engine, "NAME": name}}


@pytest.mark.parametrize(
    ("engine", "name"),
    [
        (POSTGRESQL, "gridapp"),
        (POSTGRESQL, "gridapp_ci"),
        (POSTGRESQL, "gridapp_bench_copy"),
        (POSTGRESQL, "bench"),
        (SQLITE, "/srv/gridapp/var/gridapp.sqlite3"),
        (SQLITE, "/srv/gridapp/var/gridapp_bench.sqlite3.bak"),
        (SQLITE, ":memory:"),
    ],
)
def test_a_database_not_named_bench_is_refused(settings, engine, name):
    settings.DATABASES = databases(engine, name)
    with pytest.raises(CommandError) as refused:
        refuse_foreign_database()
    assert "_bench" in str(refused.value)
    assert "empties whole tables" in str(refused.value)


@pytest.mark.parametrize(
    ("engine", "name"),
    [
        (POSTGRESQL, "gridapp_bench"),
        (POSTGRESQL, "gridapp_devtools_bench"),
        (SQLITE, "/srv/gridapp/var/gridapp_bench.sqlite3"),
    ],
)
def test_a_bench_database_is_accepted(settings, engine, name):
    settings.DATABASES = databases(engine, name)
    refuse_foreign_database()


@pytest.mark.parametrize("command", ["bench_checkins", "bench_import"])
def test_a_bench_command_refuses_this_database_and_empties_nothing(grid1, command):
    HouseholdFactory(grid=grid1)
    with pytest.raises(CommandError) as refused:
        call_command(command)
    assert "ends in '_bench'" in str(refused.value)
    assert Household.objects.filter(grid=grid1).count() == 1


def test_every_bench_command_checks_its_database():
    benches = {name: app for name, app in get_commands().items() if name.startswith("bench_")}
    assert {"bench_checkins", "bench_import"} <= set(benches)
    for name, app in benches.items():
        assert isinstance(load_command_class(app, name), BenchCommand), name
