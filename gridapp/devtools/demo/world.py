"""The register of Dongluchi: Linpu Town → Dongluchi Community → Grid 1 (Wu Jiadong's: 307
households, 92 shops, mostly elderly) and Grid 2 (Chen's, smaller), with the places and people
of the stories, drawn from ``random.Random(SEED)`` and bulk-created with their history.
"""

import random

from simple_history.utils import bulk_create_with_history

from gridapp.models import (
    Building,
    BusinessType,
    Community,
    Grid,
    Household,
    HouseholdTagLink,
    PersonCategory,
    Resident,
    ResidentCategoryLink,
    Sex,
    Shop,
    Town,
)

from .households import Households, Member, weighted
from .people import Identities
from .places import (
    CHANGE_REASON,
    COMMUNITY_CODE,
    COMMUNITY_NAME,
    GRID1_BUILDINGS,
    GRID1_BUNGALOWS,
    GRID1_HOUSEHOLDS,
    GRID1_HOUSES,
    GRID1_STREET_SHOPS,
    GRID2_BUILDINGS,
    GRID2_HOUSEHOLDS,
    GRID2_HOUSES,
    GRID2_STREET_SHOPS,
    LEAK_ABOVE,
    LEAK_BELOW,
    PETS_BUNGALOW,
    REN_FLAT,
    SEED,
    TOWN_NAME,
    words,
)

SHOP_WORDS = words(
    "惠民 兴旺 鑫鑫 临浦 东麓 好邻居 阿强 小林 金源 永兴 百姓 福缘 利民 宏达 恒昌 顺发 佳佳 老街 峙山 "
    "江边 家乐 康乐 红星 天天 品味 聚福 如意 丰收 阳光 浦阳 新华 万家 诚信 华联 美佳 乐购"
)
SHOP_TEMPLATES = {
    BusinessType.FOOD: (
        words(
            "{s}记面馆 {s}家小炒 {w}早餐店 沙县小吃 兰州牛肉拉面 {w}馄饨店 {s}记包子铺 {w}烧烤 {w}奶茶 {w}快餐 "
            "{w}农家菜馆 {w}蛋糕房 {s}记熟食 {w}小吃店 {s}记卤味 {w}饺子馆 临浦老味道"
        )
    ),
    BusinessType.RETAIL: (
        words(
            "{w}超市 {w}便利店 {s}记五金 {w}水果店 {w}烟酒商行 {w}服装店 {w}鞋店 {w}副食品店 {w}粮油店 {w}大药房 "
            "{w}文具店 {w}母婴店 {w}茶叶店 {w}眼镜店 {w}花店 {w}手机店 {w}建材商行 {w}床上用品 {w}日用百货 "
            "萧山萝卜干专卖 {w}酒水批发"
        )
    ),
    BusinessType.SERVICE: (
        words(
            "{w}理发店 {w}美容美发 {w}干洗店 {w}摄影 {w}棋牌室 {w}足浴 {w}快递驿站 {w}房产中介 {w}彩票站 "
            "{w}图文打印 {s}师傅推拿 {w}托管班"
        )
    ),
    BusinessType.REPAIR: (
        words("{s}师傅家电维修 {w}电动车维修 {s}记修鞋配钥匙 {w}手机维修 {w}汽车美容 {w}开锁 {w}钟表维修")
    ),
    BusinessType.WAREHOUSE: words("{w}仓库 {w}纺织加工 {w}物流"),
    BusinessType.OTHER: words("{w}培训中心 {w}老年活动室"),
}
SHOP_WEIGHTS = {
    BusinessType.RETAIL: 40,
    BusinessType.FOOD: 28,
    BusinessType.SERVICE: 20,
    BusinessType.REPAIR: 8,
    BusinessType.WAREHOUSE: 2,
    BusinessType.OTHER: 2,
}


class WorldBuilder:
    """Builds the register in memory with one seeded random generator, then bulk-creates it."""

    def __init__(self, today, rng=None):
        self.rng = rng or random.Random(SEED)
        self.people = Identities(today, self.rng)
        self.register = Households(self.people)
        self.shops = []

    # --- places ----------------------------------------------------------------------------------

    def flats(self, plan):
        for unit in range(1, plan.units + 1):
            for floor in range(plan.first_residential_floor, plan.floors + 1):
                for room in range(1, plan.rooms_per_floor + 1):
                    yield str(unit), f"{floor}{room:02d}"

    def add_grid_households(self, grid, buildings, plans, written_out, target, story_flats):
        """Fill ``target`` households: written-out addresses first, then flats, leaving the rest vacant."""
        slots = [(buildings[(p.road, p.number)], p, unit, room) for p in plans for unit, room in self.flats(p)]
        free = [s for s in slots if (s[1].road, s[1].number, s[2], s[3]) not in story_flats]
        written_out = [w for w in written_out if w[0] not in story_flats]
        # The story households are already in the register.
        needed_flats = target - len(written_out) - len(story_flats)
        # Buildings with a rental plan are fully let; vacancies fall elsewhere.
        keep = [s for s in free if s[1].rented is not None]
        optional = [s for s in free if s[1].rented is None]
        vacant = set(self.rng.sample(range(len(optional)), len(keep) + len(optional) - needed_flats))
        chosen = keep + [s for i, s in enumerate(optional) if i not in vacant]
        rented_in = {}
        for plan in plans:
            if plan.rented is not None:
                flats = [s for s in chosen if s[1] is plan]
                rented_in[plan] = set(self.rng.sample(range(len(flats)), plan.rented))
        counters = {}
        for building, plan, unit, room in chosen:
            index = counters.get(plan, 0)
            counters[plan] = index + 1
            rented = index in rented_in[plan] if plan in rented_in else self.rng.random() < 0.08
            self.register.add_household(grid, building=building, unit=unit, room=room, rented=rented)
        for address, rented in written_out:
            self.register.add_household(grid, address=address, rented=rented)

    def add_shops(self, grid, buildings, plans, street_shops, *, all_street_front=False):
        """Add the shops; with ``all_street_front`` every one faces the street (Grid 1's 92: the
        campaign of story 2 covers "visited 61 of 92")."""
        rng = self.rng
        names = set()
        places = []
        for plan in plans:
            # Ground-floor shops get the street numbers of their building's frontage.
            start = 10 + int(plan.number) * 20
            places.extend(
                (plan.road, start + 2 * i, buildings[(plan.road, plan.number)]) for i in range(plan.shops_below)
            )
        for road, count, first in street_shops:
            number = first
            for _ in range(count):
                places.append((road, number, None))
                number += rng.choice((2, 2, 4, 6))
        for road, number, building in places:
            business_type = weighted(rng, SHOP_WEIGHTS)
            for _ in range(100):
                template = rng.choice(SHOP_TEMPLATES[business_type])
                name = template.format(s=self.people.surname(), w=rng.choice(SHOP_WORDS))
                if name not in names:
                    break
            names.add(name)
            street_front = all_street_front or (business_type != BusinessType.WAREHOUSE and rng.random() > 0.05)
            address = f"{road}{number}号" if street_front else f"{road}{number}号{rng.choice(('2楼', '后院', '院内'))}"
            operator = self.people.person_name(rng.choice((Sex.MALE, Sex.FEMALE)), rng.randint(28, 62))
            self.shops.append(
                Shop(
                    grid=grid,
                    building=building,
                    name=name,
                    address=address,
                    business_type=business_type,
                    street_front=street_front,
                    operator_name=operator,
                    phone=self.people.mobile() if rng.random() < 0.85 else self.people.landline(),
                    licence_number=self.people.licence() if rng.random() < 0.97 else "",
                    notes="" if street_front else "非沿街，位于楼上或院内。",
                )
            )

    # --- the stories -----------------------------------------------------------------------------

    def add_story_households(self, grid1, buildings):
        def at(place):
            road, number, unit, room = place
            return {"building": buildings[(road, number)], "unit": unit, "room": room}

        # Story 1: Ren Aixiang, 86, lives alone and depends on a home ventilator.
        ren = Member(
            86,
            Sex.FEMALE,
            "户主",
            "任",
            name="任爱香",
            health_notes="依赖家用呼吸机，夜间需持续使用；停电或设备故障时须立即联系家属。",
        )
        ren.categories.add(PersonCategory.MEDICAL_EQUIPMENT)
        _, (ren_resident,) = self.register.add_household(
            grid1,
            **at(REN_FLAT),
            members=[ren],
            phone=self.people.landline(),
            notes="儿子在城厢街道居住，周末回来探望。“敲门行动”重点对象。",
        )
        ren_resident.mobile = ren_resident.mobile or self.people.mobile()
        ren_resident.emergency_contact_name = "周建明"
        ren_resident.emergency_contact_relation = "儿子"
        ren_resident.emergency_contact_phone = self.people.mobile()
        self.people.names.add("周建明")

        # Story 3: a retired pair below and a young couple above, at 临江路4幢2单元.
        self.register.add_household(
            grid1,
            **at(LEAK_BELOW),
            members=[
                Member(66, Sex.MALE, "户主", "陈", name="陈国平"),
                Member(64, Sex.FEMALE, "配偶", "王", name="王美娟"),
            ],
            notes="退休夫妻，女儿在杭州工作。",
        )
        self.register.add_household(
            grid1,
            **at(LEAK_ABOVE),
            members=[
                Member(29, Sex.MALE, "户主", "张", name="张浩"),
                Member(27, Sex.FEMALE, "配偶", "李", name="李雨婷"),
            ],
            notes="年轻夫妻，2024年购入二手房后装修入住。",
        )
        self.people.names.update({"陈国平", "王美娟", "张浩", "李雨婷"})

        # Story 4: the tenant in a bungalow behind 峙山北路, whose landlord lives elsewhere.
        tenant = Member(43, Sex.MALE, "户主", "刘", migrant=True, name="刘长春")
        tenant.categories.add(PersonCategory.TENANT)
        self.people.names.add("刘长春")
        self.people.names.add("沈国平")
        self.register.add_household(
            grid1,
            address=PETS_BUNGALOW,
            rented=True,
            members=[tenant],
            landlord_name="沈国平",
            landlord_phone=self.people.mobile(),
            landlord_address="萧山区城厢街道育才路58号",
            notes="独自租住，从事装修零工。",
        )

    # --- everything --------------------------------------------------------------------------------

    def build(self):
        """Create the whole world. Call inside a transaction."""
        town, _ = Town.objects.get_or_create(name=TOWN_NAME)
        community = Community.objects.create(town=town, name=COMMUNITY_NAME, code=COMMUNITY_CODE)
        grid1 = Grid.objects.create(
            community=community,
            number=1,
            name="第一网格",
            description="临江路、峙山北路一带，商住结合；307户居民、92户沿街商铺，常住人口以老年人居多。",
        )
        grid2 = Grid.objects.create(
            community=community, number=2, name="第二网格", description="通一路、横二路一带，以住宅为主。"
        )
        buildings = {}
        for grid, plans in ((grid1, GRID1_BUILDINGS), (grid2, GRID2_BUILDINGS)):
            for plan in plans:
                buildings[(plan.road, plan.number)] = Building(
                    community=community,
                    grid=grid,
                    road=plan.road,
                    number=plan.number,
                    year_built=plan.year_built,
                    floors=plan.floors,
                    notes=plan.notes,
                )
        bulk_create_with_history(list(buildings.values()), Building, default_change_reason=CHANGE_REASON)

        self.add_story_households(grid1, buildings)
        story_flats = {REN_FLAT, LEAK_BELOW, LEAK_ABOVE, PETS_BUNGALOW}
        self.add_grid_households(
            grid1, buildings, GRID1_BUILDINGS, GRID1_BUNGALOWS + GRID1_HOUSES, GRID1_HOUSEHOLDS, story_flats
        )
        self.add_shops(grid1, buildings, GRID1_BUILDINGS, GRID1_STREET_SHOPS, all_street_front=True)
        self.add_grid_households(grid2, buildings, GRID2_BUILDINGS, GRID2_HOUSES, GRID2_HOUSEHOLDS, set())
        self.add_shops(grid2, buildings, (), GRID2_STREET_SHOPS)

        bulk_create_with_history(
            self.register.households, Household, batch_size=500, default_change_reason=CHANGE_REASON
        )
        HouseholdTagLink.objects.bulk_create(self.register.household_tags, batch_size=500)
        bulk_create_with_history(self.register.residents, Resident, batch_size=500, default_change_reason=CHANGE_REASON)
        ResidentCategoryLink.objects.bulk_create(self.register.resident_categories, batch_size=500)
        bulk_create_with_history(self.shops, Shop, batch_size=500, default_change_reason=CHANGE_REASON)
        return community
