"""The lie of the land: Dongluchi's buildings and streets, and the story places (DOMAIN.md)."""

from dataclasses import dataclass

SEED = 2026
TOWN_NAME = "临浦镇"
# The source article (shared/seed/) writes 東麓池社區.
COMMUNITY_NAME = "东麓池社区"
COMMUNITY_CODE = "DLC"
GRID1_HOUSEHOLDS = 307
GRID2_HOUSEHOLDS = 40
CHANGE_REASON = "Demo data (seed_demo)"


def words(text):
    """The space-separated words of ``text``, as a tuple (long lists read better as one string)."""
    return tuple(text.split())


def address_number(address):
    """(road, street number) of a shop's address such as 峙山北路12号."""
    road, _, rest = address.partition("路")
    digits = "".join(c for c in rest.split("号")[0] if c.isdigit())
    return road + "路", int(digits or 0)


@dataclass(frozen=True)
class BuildingPlan:
    road: str
    number: str
    year_built: int
    floors: int
    units: int
    rooms_per_floor: int = 2
    first_residential_floor: int = 1  # street-front buildings have shops on the ground floor
    notes: str = ""
    # Households of this building that are rented (None: a few, at random).
    rented: int | None = None
    shops_below: int = 0


GRID1_BUILDINGS = (
    BuildingPlan("临江路", "1", 1994, 6, 2, first_residential_floor=2, shops_below=6, notes="底层为沿街商铺。"),
    BuildingPlan("临江路", "2", 1994, 6, 2, first_residential_floor=2, shops_below=6, notes="底层为沿街商铺。"),
    BuildingPlan("临江路", "3", 1996, 6, 2, first_residential_floor=2, shops_below=6, notes="底层为沿街商铺。"),
    BuildingPlan("临江路", "4", 1997, 6, 2, first_residential_floor=2, shops_below=6, notes="底层为沿街商铺。"),
    BuildingPlan("临江路", "5", 2001, 6, 3, first_residential_floor=2, shops_below=6, notes="底层为沿街商铺。"),
    BuildingPlan("临江路", "6", 2005, 6, 2),
    BuildingPlan("峙山北路", "1", 1983, 4, 2),
    BuildingPlan("峙山北路", "2", 1984, 4, 2),
    BuildingPlan("峙山北路", "3", 1985, 4, 2),
    BuildingPlan(
        "峙山北路",
        "4",
        1986,
        4,
        2,
        notes="砖混结构，坡屋面盖瓦，部分管道埋于瓦片下；无物业管理，公共过道无人负责。多数住户为租户，房东不在本地居住。",
        rented=13,
    ),
    BuildingPlan("峙山北路", "5", 1989, 5, 2),
    BuildingPlan("通二路", "1", 1992, 5, 2),
    BuildingPlan("通二路", "3", 1993, 5, 2),
    BuildingPlan("东藩路", "2", 1990, 5, 2),
    BuildingPlan("东藩路", "4", 1991, 5, 2),
    BuildingPlan("横一路", "1", 1995, 5, 1),
)
# Written-out addresses without a building: (address, rented).
GRID1_BUNGALOWS = tuple((f"峙山北路后排平房{n}号", n in (3, 5, 7)) for n in range(1, 9))
GRID1_HOUSES = tuple((f"横一路{n}号", False) for n in (2, 4, 6, 8, 12, 16))
# Shops not under a residential building: (road, count, first street number).
GRID1_STREET_SHOPS = (("临江路", 5, 101), ("峙山北路", 32, 2), ("通二路", 10, 5), ("东藩路", 9, 11), ("横一路", 6, 1))

GRID2_BUILDINGS = (
    BuildingPlan("通一路", "1", 1998, 6, 2),
    BuildingPlan("横二路", "2", 2008, 6, 2),
)
GRID2_HOUSES = tuple((f"横二路{n}号", False) for n in (5, 7, 9, 11))
GRID2_STREET_SHOPS = (("通一路", 10, 3),)

# Story places (DOMAIN.md): (road, building number, unit, room).
REN_FLAT = ("临江路", "6", "1", "101")
LEAK_BELOW = ("临江路", "4", "2", "301")  # the retired pair, who complain
LEAK_ABOVE = ("临江路", "4", "2", "401")  # the young couple
PETS_BUNGALOW = "峙山北路后排平房3号"
PETS_NEIGHBOUR = "峙山北路后排平房4号"
CORRIDOR_BUILDING = ("峙山北路", "4")
