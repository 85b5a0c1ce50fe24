"""The demo world of DOMAIN.md, built by ``manage.py seed_demo``.

Linpu Town → Dongluchi Community → Grid 1 (Wu Jiadong's: 307 households, 92 shops, mostly
elderly) and Grid 2 (Chen's, smaller), with the places and people of the six stories and one demo
account per role. Everything comes from ``random.Random(SEED)``, so two runs on the same day build
the same register; ages are counted from ``timezone.localdate()``, so dates of birth (and the ID
numbers that embed them) follow the calendar and Ren Aixiang stays 86.

The visit history of the last 45 days (Wu's and Chen's check-ins and shop inspections, Ren
Aixiang's ventilator follow-up, the shop campaign at 61 of 92) comes from its own generator,
``random.Random(VISITS_SEED)``, and is logged through ``visits.services.log_visit``.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from visits.checkins import refresh_last_seen, suggested_rule
from visits.models import Campaign, CampaignTarget, CareAssignment, CareLevel, Condition, FollowUp, Purpose, Visit
from visits.services import NewFollowUp, log_visit

from .models import (
    Building,
    BusinessType,
    Community,
    Grid,
    Household,
    HouseholdTag,
    HouseholdTagLink,
    PersonCategory,
    Resident,
    ResidentCategoryLink,
    Role,
    RoleKind,
    Sex,
    Shop,
    Tenure,
    Town,
)
from .validators import id_check_char

SEED = 2026
DEMO_PASSWORD = "gridapp-demo-2026"  # noqa: S105 -- a published demo password, printed by seed_demo
TOWN_NAME = "临浦镇"
# The source article (shared/seed/) writes 東麓池社區.
COMMUNITY_NAME = "东麓池社区"
COMMUNITY_CODE = "DLC"
GRID1_HOUSEHOLDS = 307
GRID1_SHOPS = 92
GRID2_HOUSEHOLDS = 40
GRID2_SHOPS = 10
CHANGE_REASON = "Demo data (seed_demo)"

# --- accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    last_name: str
    first_name: str
    kind: str | None  # a RoleKind, or None for a user who holds no role yet
    grid_number: int | None = None
    label: str = ""


ACCOUNTS = (
    Account("wu", "吴", "佳栋", RoleKind.GRID_WORKER, 1, "grid worker, Grid 1 (Wu Jiadong)"),
    Account("chen", "陈", "晓燕", RoleKind.GRID_WORKER, 2, "grid worker, Grid 2 (Chen Xiaoyan)"),
    Account("staff", "沈", "丽华", RoleKind.COMMUNITY_STAFF, None, "community staff, Dongluchi (Shen Lihua)"),
    Account("admin", "", "管理员", RoleKind.ADMIN, None, "admin (superuser)"),
    Account("li", "李", "烈鸿", None, None, "no role yet: Old Li, Grid 1 party group leader"),
)


def _words(text):
    """The space-separated words of ``text``, as a tuple (long lists read better as one string)."""
    return tuple(text.split())


# --- name pools ---------------------------------------------------------------------------

# Common surnames around Xiaoshan, repeated roughly by frequency.
LOCAL_SURNAMES = (
    "王王王陈陈陈李李张张沈沈朱朱徐徐俞俞汪孔韩来来楼楼任吴吴周周钱孙杨黄"
    "何施傅傅蔡高金金邵方丁葛倪屠史裘洪项鲍陆赵许曹莫单翁董郑贺潘"
)
MIGRANT_SURNAMES = "刘刘张张王王李李陈杨赵黄周吴徐孙马胡郭何罗梁宋唐谢韩冯邓彭曾田袁"

GIVEN_NAMES = {
    # born before 1960
    ("old", Sex.MALE): _words(
        "根富 金福 财根 水根 炳荣 荣华 德明 祖康 关根 土根 金水 永康 长林 福祥 海林 信康 传根 "
        "柏林 洪兴 林祥 宝根 杏林 阿三 志明 国庆 建国 松林 炳生 文祥 桂荣 友根 新民 和尚 顺发"
    ),
    ("old", Sex.FEMALE): _words(
        "秀英 桂英 美娟 凤英 月仙 雪芳 杏娟 彩娥 菊英 金花 银娣 爱娟 根娣 兰芳 素珍 玉珍 梅英 "
        "宝娟 春娥 水娟 秀珍 金娥 杏花 美英 月娥 小妹 彩凤 阿香 引娣 菊仙 桂花 秀娥"
    ),
    # born 1960-1979
    ("mid", Sex.MALE): _words(
        "建军 国平 建华 伟民 志刚 立新 国锋 建峰 海峰 卫东 红卫 振华 建明 永明 国强 建平 伟 勇 军 强 斌 杰 剑 林峰 晓东"
    ),
    ("mid", Sex.FEMALE): _words(
        "丽娟 丽萍 红英 晓红 海燕 美芳 雅琴 丽华 建英 金燕 素芬 月琴 燕 慧 芳 静 琴 萍 红 利娟 亚萍 秋萍"
    ),
    # born 1980-2004
    ("young", Sex.MALE): _words("浩 宇航 俊杰 一鸣 佳豪 博文 泽宇 晨 凯 涛 磊 杰 鹏飞 思远 天宇 文斌 志豪 家乐"),
    ("young", Sex.FEMALE): _words("佳怡 雨婷 欣怡 诗琪 梦婷 思雨 晓雯 佳琪 婧 倩 莹 怡 丹 露 雪 燕婷 佳 敏"),
    # born 2005 or later
    ("child", Sex.MALE): _words("子涵 梓轩 浩然 沐阳 宇轩 俊熙 一航 皓宇 子墨 奕辰"),
    ("child", Sex.FEMALE): _words("欣妍 梓萱 一诺 若曦 语桐 可欣 诗涵 雨桐 芷若 梓涵"),
}

# Names the stories give to particular people; random residents never take them.
RESERVED_NAMES = {"任爱香", "吴佳栋", "李烈鸿", "陈晓燕", "沈丽华"}

# --- ID numbers -----------------------------------------------------------------------------

# People keep the region code of the county that first issued their number: Xiaoshan County
# (330121) until 1988, Xiaoshan City (330181) until 2001, Xiaoshan District (330109) since.
MIGRANT_REGIONS = ("341221", "341225", "411524", "522427", "362330", "432524", "510922")

MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 177 180 181 182 183 186 187 "
    "188 189 198 199"
)

# Unified social credit codes (GB 32100) of individual businesses: 92 + region + 9 + check.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17):
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


# --- health, contacts, landlords -------------------------------------------------------------

HEALTH_NOTES = (
    "高血压，需按时服药。",
    "糖尿病，每日注射胰岛素。",
    "腿脚不便，行走需拄拐杖。",
    "听力较差，敲门请大声并多等一会儿。",
    "轻度认知障碍，外出需家人陪同。",
    "心脏支架术后，定期到区医院复查。",
    "白内障术后，视力较差。",
    "腰椎间盘突出，不宜搬重物。",
    "冠心病，家中备有速效救心丸。",
    "骨质疏松，曾跌倒骨折，注意防滑。",
)
OXYGEN_NOTE = "慢阻肺，依赖家用制氧机，停电时需关注。"
DISABILITY_NOTES = (
    "中风后遗症，左侧肢体活动不便（肢体残疾三级）。",
    "视力残疾二级，独自外出困难。",
    "听力残疾三级，沟通请写字或面对面慢说。",
)
LANDLORD_ADDRESSES = (
    "萧山区城厢街道育才路{n}号",
    "萧山区北干街道金城花园{n}幢",
    "萧山区宁围街道{n}号",
    "滨江区西兴街道江南星座{n}幢",
    "临浦镇通一路{n}号",
    "上城区钱江新城{n}号",
    "余杭区良渚街道{n}号",
)

# --- places ------------------------------------------------------------------------------------


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

# --- shops -----------------------------------------------------------------------------------

SHOP_WORDS = _words(
    "惠民 兴旺 鑫鑫 临浦 东麓 好邻居 阿强 小林 金源 永兴 百姓 福缘 利民 宏达 恒昌 顺发 佳佳 老街 峙山 "
    "江边 家乐 康乐 红星 天天 品味 聚福 如意 丰收 阳光 浦阳 新华 万家 诚信 华联 美佳 乐购"
)
SHOP_TEMPLATES = {
    BusinessType.FOOD: (
        _words(
            "{s}记面馆 {s}家小炒 {w}早餐店 沙县小吃 兰州牛肉拉面 {w}馄饨店 {s}记包子铺 {w}烧烤 {w}奶茶 {w}快餐 "
            "{w}农家菜馆 {w}蛋糕房 {s}记熟食 {w}小吃店 {s}记卤味 {w}饺子馆 临浦老味道"
        )
    ),
    BusinessType.RETAIL: (
        _words(
            "{w}超市 {w}便利店 {s}记五金 {w}水果店 {w}烟酒商行 {w}服装店 {w}鞋店 {w}副食品店 {w}粮油店 {w}大药房 "
            "{w}文具店 {w}母婴店 {w}茶叶店 {w}眼镜店 {w}花店 {w}手机店 {w}建材商行 {w}床上用品 {w}日用百货 "
            "萧山萝卜干专卖 {w}酒水批发"
        )
    ),
    BusinessType.SERVICE: (
        _words(
            "{w}理发店 {w}美容美发 {w}干洗店 {w}摄影 {w}棋牌室 {w}足浴 {w}快递驿站 {w}房产中介 {w}彩票站 "
            "{w}图文打印 {s}师傅推拿 {w}托管班"
        )
    ),
    BusinessType.REPAIR: (
        _words("{s}师傅家电维修 {w}电动车维修 {s}记修鞋配钥匙 {w}手机维修 {w}汽车美容 {w}开锁 {w}钟表维修")
    ),
    BusinessType.WAREHOUSE: _words("{w}仓库 {w}纺织加工 {w}物流"),
    BusinessType.OTHER: _words("{w}培训中心 {w}老年活动室"),
}
SHOP_WEIGHTS = {
    BusinessType.RETAIL: 40,
    BusinessType.FOOD: 28,
    BusinessType.SERVICE: 20,
    BusinessType.REPAIR: 8,
    BusinessType.WAREHOUSE: 2,
    BusinessType.OTHER: 2,
}

# Household kinds of the register and how often each occurs (mostly elderly).
OWNER_KINDS = {
    "alone_elderly": 20,
    "elderly_couple": 36,
    "elderly_with_child": 12,
    "three_generations": 10,
    "middle_aged_family": 10,
    "young_family": 6,
    "single_middle_aged": 3,
}
TENANT_KINDS = {"tenant_single": 4, "tenant_couple": 4, "tenant_family": 2}


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


@dataclass
class Member:
    """A resident to be, before the household is saved."""

    age: int
    sex: str
    relation: str
    surname: str | None = None
    migrant: bool = False
    categories: set = field(default_factory=set)
    health_notes: str = ""
    name: str = ""


class WorldBuilder:
    """Builds the register in memory with one seeded random generator, then bulk-creates it."""

    def __init__(self, today, rng=None):
        self.today = today
        self.rng = rng or random.Random(SEED)
        self.id_numbers = set()
        self.mobiles = set()
        self.landlines = set()
        self.names = set(RESERVED_NAMES)
        self.licences = set()
        self.medical_equipment_left = 3  # residents besides Ren Aixiang on home oxygen
        self.households = []
        self.residents = []
        self.household_tags = []
        self.resident_categories = []
        self.shops = []

    # --- small generators ---------------------------------------------------------------------

    def weighted(self, weights):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def date_of_birth(self, age):
        """A random day on which someone born is exactly ``age`` today."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + datetime.timedelta(days=1)
        return earliest + datetime.timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def id_number(self, date_of_birth, sex, migrant=False):
        if migrant:
            region = self.rng.choice(MIGRANT_REGIONS)
        elif date_of_birth.year < 1988:
            region = "330121"
        elif date_of_birth.year < 2001:
            region = "330181"
        else:
            region = "330109"
        parity = 1 if sex == Sex.MALE else 0  # the 17th digit is odd for men, even for women
        while True:
            sequence = self.rng.randrange(0, 50) * 20 + self.rng.randrange(parity, 20, 2)
            if sequence == 0:
                continue
            first17 = f"{region}{date_of_birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_char(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def mobile(self):
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def landline(self):
        while True:
            number = f"0571-82{self.rng.randrange(10**6):06d}"
            if number not in self.landlines:
                self.landlines.add(number)
                return number

    def licence(self):
        while True:
            body = "MA" + "".join(self.rng.choice(_USCC_CHARS) for _ in range(7))
            first17 = f"92330109{body}"
            code = first17 + uscc_check_char(first17)
            if code not in self.licences:
                self.licences.add(code)
                return code

    def surname(self, migrant=False):
        return self.rng.choice(MIGRANT_SURNAMES if migrant else LOCAL_SURNAMES)

    def person_name(self, sex, age, surname=None, migrant=False):
        birth_year = self.today.year - age
        generation = (
            "old" if birth_year < 1960 else "mid" if birth_year < 1980 else "young" if birth_year < 2005 else "child"
        )
        for _ in range(50):
            name = (surname or self.surname(migrant)) + self.rng.choice(GIVEN_NAMES[(generation, sex)])
            if name not in self.names:
                break
        # Prefer an unused name; after 50 tries a namesake is kept (they occur in real registers).
        self.names.add(name)
        return name

    def other_sex(self, sex):
        return Sex.FEMALE if sex == Sex.MALE else Sex.MALE

    # --- households --------------------------------------------------------------------------

    def members_for(self, kind):
        """The members of a household of ``kind``, head first."""
        rng = self.rng
        if kind == "alone_elderly":
            sex = Sex.FEMALE if rng.random() < 0.7 else Sex.MALE
            return [Member(rng.randint(68, 95), sex, "户主")]
        if kind == "elderly_couple":
            husband = rng.randint(62, 92)
            wife = max(60, husband - rng.randint(0, 5))
            surname = self.surname()
            return [Member(husband, Sex.MALE, "户主", surname), Member(wife, Sex.FEMALE, "配偶")]
        if kind == "elderly_with_child":
            head_sex = Sex.FEMALE if rng.random() < 0.6 else Sex.MALE
            head = Member(rng.randint(70, 93), head_sex, "户主")
            head.surname = self.surname()
            members = [head]
            if rng.random() < 0.4:
                members.append(Member(max(62, head.age - rng.randint(-4, 4)), self.other_sex(head_sex), "配偶"))
            child_sex = Sex.MALE if rng.random() < 0.6 else Sex.FEMALE
            child_surname = head.surname if head_sex == Sex.MALE else None
            members.append(
                Member(
                    head.age - rng.randint(24, 34),
                    child_sex,
                    "儿子" if child_sex == Sex.MALE else "女儿",
                    child_surname,
                )
            )
            return members
        if kind == "three_generations":
            head_age = rng.randint(42, 58)
            surname = self.surname()
            members = [
                Member(head_age, Sex.MALE, "户主", surname),
                Member(head_age - rng.randint(0, 4), Sex.FEMALE, "配偶"),
            ]
            grandparent_sex = Sex.FEMALE if rng.random() < 0.65 else Sex.MALE
            members.append(
                Member(
                    min(95, head_age + rng.randint(24, 32)),
                    grandparent_sex,
                    "母亲" if grandparent_sex == Sex.FEMALE else "父亲",
                    None if grandparent_sex == Sex.FEMALE else surname,
                )
            )
            if rng.random() < 0.6:
                child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    Member(
                        max(8, head_age - rng.randint(24, 32)),
                        child_sex,
                        "儿子" if child_sex == Sex.MALE else "女儿",
                        surname,
                    )
                )
            return members
        if kind == "middle_aged_family":
            head_age = rng.randint(45, 62)
            surname = self.surname()
            members = [
                Member(head_age, Sex.MALE, "户主", surname),
                Member(head_age - rng.randint(0, 4), Sex.FEMALE, "配偶"),
            ]
            if rng.random() < 0.5:
                child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    Member(
                        head_age - rng.randint(24, 30), child_sex, "儿子" if child_sex == Sex.MALE else "女儿", surname
                    )
                )
            return members
        if kind == "young_family":
            head_age = rng.randint(27, 40)
            surname = self.surname()
            members = [
                Member(head_age, Sex.MALE, "户主", surname),
                Member(head_age - rng.randint(0, 3), Sex.FEMALE, "配偶"),
            ]
            if rng.random() < 0.7:
                child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    Member(rng.randint(1, 12), child_sex, "儿子" if child_sex == Sex.MALE else "女儿", surname)
                )
            return members
        if kind == "single_middle_aged":
            return [Member(rng.randint(40, 59), rng.choice((Sex.MALE, Sex.FEMALE)), "户主")]
        # Tenants: working-age people from other provinces.
        head_sex = Sex.MALE if rng.random() < 0.7 else Sex.FEMALE
        head = Member(rng.randint(22, 55), head_sex, "户主", self.surname(migrant=True), migrant=True)
        members = [head]
        if kind in ("tenant_couple", "tenant_family"):
            members.append(
                Member(max(20, head.age - rng.randint(-3, 4)), self.other_sex(head_sex), "配偶", migrant=True)
            )
        if kind == "tenant_family":
            child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
            members.append(
                Member(
                    rng.randint(3, 14),
                    child_sex,
                    "儿子" if child_sex == Sex.MALE else "女儿",
                    head.surname if head_sex == Sex.MALE else None,
                    migrant=True,
                )
            )
        for member in members:
            member.categories.add(PersonCategory.TENANT)
        return members

    def add_household(self, grid, *, building=None, unit="", room="", address="", rented=False, members=None, **extra):
        """Add one household with its residents, person categories and household tags."""
        rng = self.rng
        if members is None:
            members = self.members_for(self.weighted(TENANT_KINDS if rented else OWNER_KINDS))
        household = Household(grid=grid, building=building, unit=unit, room=room, address=address, **extra)
        if building is not None:
            household.address = household.compose_address()
        tags = set()
        everyone_elderly = all(m.age >= 60 for m in members)
        if not rented and everyone_elderly and len(members) == 1:
            tags.add(HouseholdTag.LIVING_ALONE)
            members[0].categories.add(PersonCategory.ELDERLY_ALONE)
        elif not rented and everyone_elderly:
            tags.add(HouseholdTag.EMPTY_NEST)
            for member in members:
                member.categories.add(PersonCategory.EMPTY_NEST)
        for member in members:
            if member.name:  # the stories' people keep exactly the categories they are given
                continue
            self.give_health(member, tags)
            if member.age >= 30 and not member.migrant and rng.random() < 0.05:
                member.categories.add(PersonCategory.PARTY_MEMBER)
            if member.sex == Sex.MALE and member.age >= 60 and rng.random() < 0.04:
                member.categories.add(PersonCategory.VETERAN)
        if everyone_elderly and not rented and not members[0].name and rng.random() < 0.05:
            tags.add(HouseholdTag.LOW_INCOME)
            members[0].categories.add(PersonCategory.LOW_INCOME)
        if HouseholdTag.LIVING_ALONE in tags and members[0].age >= 80:
            tags.add(HouseholdTag.KEY_CARE)
        if any(PersonCategory.MEDICAL_EQUIPMENT in m.categories for m in members):
            tags.add(HouseholdTag.KEY_CARE)
        if rented:
            household.tenure = Tenure.RENTED
            if not household.landlord_name:
                household.landlord_name = self.person_name(
                    rng.choice((Sex.MALE, Sex.FEMALE)), rng.randint(45, 75), surname=self.surname()
                )
                household.landlord_phone = self.mobile()
                household.landlord_address = rng.choice(LANDLORD_ADDRESSES).format(n=rng.randint(1, 188))

        residents = self.add_residents(household, members)
        if not household.phone:
            with_mobile = [r.mobile for r in residents if r.mobile]
            if with_mobile and (not everyone_elderly or rng.random() < 0.35):
                household.phone = with_mobile[0]
            else:
                household.phone = self.landline()
        household.head_name = residents[0].name
        self.households.append(household)
        self.household_tags.extend(HouseholdTagLink(household=household, tag=tag) for tag in sorted(tags))
        return household, residents

    def give_health(self, member, tags):
        rng = self.rng
        if member.health_notes:
            return
        if member.age >= 55 and rng.random() < 0.03:
            member.health_notes = rng.choice(DISABILITY_NOTES)
            member.categories.add(PersonCategory.DISABLED)
            tags.add(HouseholdTag.DISABILITY)
        elif member.age >= 70 and self.medical_equipment_left and rng.random() < 0.02:
            self.medical_equipment_left -= 1
            member.health_notes = OXYGEN_NOTE
            member.categories.add(PersonCategory.MEDICAL_EQUIPMENT)
        elif member.age >= 65 and rng.random() < 0.35:
            member.health_notes = rng.choice(HEALTH_NOTES)

    def add_residents(self, household, members):
        rng = self.rng
        residents = []
        head_surname = members[0].surname or self.surname(members[0].migrant)
        members[0].surname = head_surname
        # One emergency contact per elderly household: usually a son or daughter living elsewhere.
        contact = None
        if all(m.age >= 60 for m in members) or any(m.age >= 75 for m in members):
            oldest = max(m.age for m in members)
            roll = rng.random()
            if roll < 0.5:
                contact = (self.person_name(Sex.MALE, oldest - 28, head_surname), "儿子")
            elif roll < 0.9:
                contact = (self.person_name(Sex.FEMALE, oldest - 28, head_surname), "女儿")
            else:
                contact = (self.person_name(Sex.MALE, rng.randint(40, 60)), rng.choice(("侄子", "邻居")))
            contact = (*contact, self.mobile())
        for index, member in enumerate(members):
            name = member.name or self.person_name(member.sex, member.age, member.surname, member.migrant)
            date_of_birth = self.date_of_birth(member.age)
            has_mobile = member.age >= 14 and (
                member.migrant or rng.random() < (0.95 if member.age < 75 else 0.6 if member.age < 86 else 0.3)
            )
            resident = Resident(
                household=household,
                name=name,
                sex=member.sex,
                date_of_birth=date_of_birth,
                id_number=self.id_number(date_of_birth, member.sex, member.migrant),
                mobile=self.mobile() if has_mobile else "",
                is_head=index == 0,
                relation_to_head=member.relation,
                health_notes=member.health_notes,
            )
            if contact and member.age >= 60:
                (
                    resident.emergency_contact_name,
                    resident.emergency_contact_relation,
                    resident.emergency_contact_phone,
                ) = contact
            residents.append(resident)
            self.resident_categories.extend(
                ResidentCategoryLink(resident=resident, category=category) for category in sorted(member.categories)
            )
        self.residents.extend(residents)
        return residents

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
            self.add_household(grid, building=building, unit=unit, room=room, rented=rented)
        for address, rented in written_out:
            self.add_household(grid, address=address, rented=rented)

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
            business_type = self.weighted(SHOP_WEIGHTS)
            for _ in range(100):
                template = rng.choice(SHOP_TEMPLATES[business_type])
                name = template.format(s=self.surname(), w=rng.choice(SHOP_WORDS))
                if name not in names:
                    break
            names.add(name)
            street_front = all_street_front or (business_type != BusinessType.WAREHOUSE and rng.random() > 0.05)
            address = f"{road}{number}号" if street_front else f"{road}{number}号{rng.choice(('2楼', '后院', '院内'))}"
            operator = self.person_name(rng.choice((Sex.MALE, Sex.FEMALE)), rng.randint(28, 62))
            self.shops.append(
                Shop(
                    grid=grid,
                    building=building,
                    name=name,
                    address=address,
                    business_type=business_type,
                    street_front=street_front,
                    operator_name=operator,
                    phone=self.mobile() if rng.random() < 0.85 else self.landline(),
                    licence_number=self.licence() if rng.random() < 0.97 else "",
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
        _, (ren_resident,) = self.add_household(
            grid1,
            **at(REN_FLAT),
            members=[ren],
            phone=self.landline(),
            notes="儿子在城厢街道居住，周末回来探望。“敲门行动”重点对象。",
        )
        ren_resident.mobile = ren_resident.mobile or self.mobile()
        ren_resident.emergency_contact_name = "周建明"
        ren_resident.emergency_contact_relation = "儿子"
        ren_resident.emergency_contact_phone = self.mobile()
        self.names.add("周建明")

        # Story 3: a retired pair below and a young couple above, at 临江路4幢2单元.
        self.add_household(
            grid1,
            **at(LEAK_BELOW),
            members=[
                Member(66, Sex.MALE, "户主", "陈", name="陈国平"),
                Member(64, Sex.FEMALE, "配偶", "王", name="王美娟"),
            ],
            notes="退休夫妻，女儿在杭州工作。",
        )
        self.add_household(
            grid1,
            **at(LEAK_ABOVE),
            members=[
                Member(29, Sex.MALE, "户主", "张", name="张浩"),
                Member(27, Sex.FEMALE, "配偶", "李", name="李雨婷"),
            ],
            notes="年轻夫妻，2024年购入二手房后装修入住。",
        )
        self.names.update({"陈国平", "王美娟", "张浩", "李雨婷"})

        # Story 4: the tenant in a bungalow behind 峙山北路, whose landlord lives elsewhere.
        tenant = Member(43, Sex.MALE, "户主", "刘", migrant=True, name="刘长春")
        tenant.categories.add(PersonCategory.TENANT)
        self.names.add("刘长春")
        self.names.add("沈国平")
        self.add_household(
            grid1,
            address=PETS_BUNGALOW,
            rented=True,
            members=[tenant],
            landlord_name="沈国平",
            landlord_phone=self.mobile(),
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

        bulk_create_with_history(self.households, Household, batch_size=500, default_change_reason=CHANGE_REASON)
        HouseholdTagLink.objects.bulk_create(self.household_tags, batch_size=500)
        bulk_create_with_history(self.residents, Resident, batch_size=500, default_change_reason=CHANGE_REASON)
        ResidentCategoryLink.objects.bulk_create(self.resident_categories, batch_size=500)
        bulk_create_with_history(self.shops, Shop, batch_size=500, default_change_reason=CHANGE_REASON)
        return community


# --- visits: the last weeks of rounds (DOMAIN.md, visits; stories 1 and 2) ---------------------

# The visit history draws from its own generator, so adding it left the register as it was.
VISITS_SEED = SEED + 1
HISTORY_DAYS = 45
# When visits happen (Asia/Shanghai): mornings and afternoons, with a lunch break.
VISIT_HOURS = ((datetime.time(7, 30), datetime.time(11, 30)), (datetime.time(13, 0), datetime.time(18, 0)))
VISIT_MINUTES_A_DAY = 540
# Check-in cadence in days, after DOMAIN.md's example care levels.
CADENCE_KEY_CARE = 7  # living alone and 80+, or dependent on medical equipment
CADENCE_LIVING_ALONE = 14
CADENCE_EMPTY_NEST = 30  # also households with a disabled member
CADENCE_ELDERLY = 45  # other households with someone aged 75+
# Routine check-ins on a working day, before campaign and safety visits take their share.
CHECK_INS_PER_DAY = {"wu": (13, 17), "chen": (2, 4)}
# How often a worker is out on a weekday, a Saturday, a Sunday.
WORKING = {"wu": (0.95, 0.4, 0.05), "chen": (0.5, 0.1, 0.0)}

CAMPAIGN_NAME = "生态环境满意度提升宣传"
CAMPAIGN_PURPOSE = (
    "配合全区生态环境满意度提升工作，逐户走访第一网格沿街商铺：发放宣传资料，讲解“门前三包”、垃圾分类和"
    "油烟污水不直排等要求，听取店主对周边环境的意见建议，提升群众对生态环境的知晓度和满意度。"
)
CAMPAIGN_STARTED_DAYS_AGO = 14
CAMPAIGN_ENDS_IN_DAYS = 16
CAMPAIGN_SHOPS_VISITED = 61
# The order in which Wu walks Grid 1's streets for the campaign.
CAMPAIGN_ROUTE = ("临江路", "峙山北路", "通二路", "东藩路", "横一路")

# Story 1: the ventilator.
REN_NAME = "任爱香"
REN_VISIT_DAYS_AGO = 3
REN_NOTES = "家用呼吸机坏了，已联系厂家维修；已告知其儿子周建明，维修期间晚上过来陪护。"
REN_FOLLOW_UP = "回访确认呼吸机维修情况"
REN_FOLLOW_UP_IN_DAYS = 10
# Her weekly check-ins before that, newest first.
REN_EARLIER_NOTES = (
    "呼吸机运转正常，老人精神还好。",
    "检查了呼吸机管路和电源，运转正常；老人说儿子周末来过。",
    "提醒老人停电或呼吸机报警时马上打电话给儿子和网格员，备用电源已充满。",
    "老人精神不错，呼吸机正常使用，冰箱里有儿子送来的菜。",
    "帮老人检查了呼吸机旁的插座和插线板，没有发烫，运转正常。",
)

WELL_NOTES = (
    "老人身体还好，精神不错。",
    "老人在家看电视，身体状况良好，没有什么需要帮忙的。",
    "和老人聊了会儿家常，一切正常。",
    "按时吃药，饮食起居正常。",
    "家里收拾得很干净，老人说子女上周回来过。",
    "提醒老人陌生人敲门不要开，谨防电信诈骗和保健品推销。",
    "顺便看了下燃气灶和电线，没有发现安全隐患。",
    "老人说一切都好，给老人留了网格员电话，有事随时打。",
    "老人正在做饭，身体挺好。",
)
COUPLE_WELL_NOTES = (
    "老两口身体都还好，精神不错。",
    "老两口都在家，饮食起居正常，子女周末会回来。",
    "老夫妻俩在家，聊了聊家常，没有什么困难。",
)
PARTNER_OUT_NOTES = (
    "老伴去菜场买菜了，没碰上。",
    "老伴去女儿家住几天，电话里说一切都好。",
)
UNWELL_NOTES = (
    "老人感冒咳嗽几天了，已提醒到社区卫生服务站看看，并告知其子女。",
    "腰腿疼痛加重，上下楼不方便，已联系其子女多回来照看。",
    "老人说最近头晕、血压偏高，建议尽快到镇卫生院复查。",
    "胃口不好，人有些消瘦，已提醒家属带去医院检查。",
    "前几天在家里摔了一跤，手臂淤青，没有骨折，提醒注意防滑。",
    "老人说夜里睡不好，精神较差，过几天再来看看。",
)
NOT_HOME_NOTES = (
    "敲门无人应答，电话联系得知去女儿家住几天，一切安好。",
    "家中无人，邻居说老人去菜场了，改日再来。",
    "敲门未应，电话未接通，过两天再来。",
    "老人去镇卫生院配药了，不在家，改日再访。",
)
# Reminders of the season, and the checks a routine visit adds to itself: (months, purpose, notes).
SEASONS = (
    (
        (11, 12, 1, 2),
        "天气转冷，提醒老人注意保暖、出门防滑，早晚加衣。",
        Purpose.SAFETY,
        (
            "冬季用电用火安全检查：取暖器、电热毯使用正常，已提醒人走断电。",
            "检查燃气灶和热水器，燃气软管老化，已提醒子女尽快更换。",
            "取暖器离床太近，已帮老人挪开，提醒睡前关掉。",
        ),
    ),
    (
        (6, 7, 8, 9),
        "天气炎热，提醒老人多喝水、开空调注意温度，防止中暑。",
        Purpose.FLOOD,
        (
            "台风季前检查门窗和阳台，花盆已帮老人搬进屋内。",
            "汛期提醒：讲解台风来临时的转移安置点和联系电话。",
        ),
    ),
    ((3, 4, 5, 10), "换季时节，提醒老人注意增减衣物，预防感冒。", None, ()),
)
TENANT_NOTES = (
    "核实出租房租住人员信息，与登记一致。",
    "租客在家，核对了居住信息，提醒电动车不要进楼道充电。",
    "核实租住情况，租客说下个月合同到期后续租。",
)
SAFETY_OK_NOTES = (
    "检查消防器材，灭火器在有效期内，安全通道畅通。",
    "检查店内用电线路和燃气，未发现隐患。",
    "燃气报警器工作正常，液化气瓶存放规范。",
    "店内无电动车充电，疏散通道畅通。",
)
SAFETY_ISSUE_NOTES = (
    "店内有电动车充电，已当场劝导移出，要求不得在店内充电。",
    "门口堆放纸箱杂物，占用消防通道，已要求当天清理。",
    "插线板串接使用，已提醒店主请电工整改。",
)
CAMPAIGN_NOTES = (
    "发放生态环境满意度宣传资料，讲解“门前三包”责任。",
    "向店主宣传生态环境满意度测评，店主表示支持。",
    "张贴宣传海报，提醒垃圾分类投放、门口不乱堆乱放。",
    "店主不在，向店员宣传并留下宣传资料。",
    "店主反映路边垃圾桶清运不及时，已记录，向社区反映。",
    "",
)
CAMPAIGN_FOOD_NOTES = (
    "宣传生态环境满意度提升工作，提醒油烟净化器定期清洗、污水不要直排。",
    "提醒餐厨垃圾单独收集、不要混投，店主表示会注意。",
)

# The open follow-ups of Wu's day and one already done: (key, days ago, notes, what, due in days
# from today or None for three days after the visit, condition).
FOLLOW_UP_STORIES = (
    (
        "grab_bar",
        10,
        "老人说卫生间地面湿滑、起身困难，想装扶手，已帮她向社区申请适老化改造。",
        "确认卫生间扶手是否已安装",
        0,
        Condition.WELL,
    ),
    (
        "water_heater",
        9,
        "燃气热水器已用了十多年，排气管松动，有安全隐患，已提醒老两口和子女尽快更换。",
        "回访确认燃气热水器是否已更换",
        -2,
        Condition.WELL,
    ),
    (
        "pills",
        21,
        "老人降压药快吃完了，头有点晕；子女在外地，腿脚不便去不了卫生服务站。",
        "帮老人到社区卫生服务站代配降压药",
        None,
        Condition.UNWELL,
    ),
)
PILLS_CLOSED_NOTES = "已到社区卫生服务站代配降压药一个月的量，送药上门，老人血压平稳。"
EXTINGUISHER_NOTES = "消防检查：店内灭火器已过期，要求店主一周内更换。"
EXTINGUISHER_FOLLOW_UP = "复查店内灭火器是否已更换"
WIRING_NOTES = "老人家里插座发烫、电线老化，已联系社区志愿者电工上门更换。"
WIRING_FOLLOW_UP = "确认电线插座更换情况"


@dataclass
class PlannedVisit:
    day: datetime.date
    worker: object
    household: object = None
    shop: object = None
    purposes: tuple = (Purpose.ROUTINE,)
    conditions: dict = field(default_factory=dict)
    notes: str = ""
    campaign: bool = False
    follow_up: tuple | None = None  # (what, due on), assigned to the worker
    opens: str = ""  # a name for this visit's follow-up, for the visit that closes it
    closes: str = ""
    visited_at: datetime.datetime | None = None

    @property
    def target(self):
        return self.household or self.shop


def _address_number(address):
    """(road, street number) of a shop's address such as 峙山北路12号."""
    road, _, rest = address.partition("路")
    digits = "".join(c for c in rest.split("号")[0] if c.isdigit())
    return road + "路", int(digits or 0)


class VisitHistoryBuilder:
    """The last HISTORY_DAYS days of Wu's and Chen's visits, planned day by day with their own
    seeded generator and then logged through ``visits.services.log_visit`` in the order they
    happened. Each working day a worker knocks on the doors whose check-in is due, closest care
    first (weekly, then fortnightly, monthly), then the longest overdue; someone unwell is looked
    in on again within days, a door not answered is tried again soon, and a household with an
    open follow-up waits for it."""

    def __init__(self, community, today, now, rng=None):
        self.rng = rng or random.Random(VISITS_SEED)
        self.today = today
        self.now = now
        self.first_day = today - datetime.timedelta(days=HISTORY_DAYS)
        self.days = [self.first_day + datetime.timedelta(days=n) for n in range(HISTORY_DAYS + 1)]
        users = {u.username: u for u in get_user_model().objects.filter(username__in=("wu", "chen", "staff"))}
        self.wu, self.chen, self.staff = users["wu"], users["chen"], users["staff"]
        grids = {g.number: g for g in community.grids.all()}
        self.grid1, self.grid2 = grids[1], grids[2]
        self.campaign = None
        self.planned = []
        self._minutes = {}

    # --- helpers ---------------------------------------------------------------------------------

    def days_ago(self, n):
        return self.today - datetime.timedelta(days=n)

    @staticmethod
    def households(grid):
        return list(
            Household.objects.filter(grid=grid, archived_at__isnull=True)
            .prefetch_related("tags", "residents__categories")
            .order_by("pk")
        )

    @staticmethod
    def shops(grid):
        return list(Shop.objects.filter(grid=grid, archived_at__isnull=True).order_by("pk"))

    def cadence(self, household):
        tags = {t.tag for t in household.tags.all()}
        if HouseholdTag.KEY_CARE in tags:
            return CADENCE_KEY_CARE
        if HouseholdTag.LIVING_ALONE in tags:
            return CADENCE_LIVING_ALONE
        if tags & {HouseholdTag.EMPTY_NEST, HouseholdTag.DISABILITY}:
            return CADENCE_EMPTY_NEST
        if any(r.age_on(self.today) >= 75 for r in household.residents.all()):
            return CADENCE_ELDERLY
        return None

    def looked_in_on(self, household):
        """The residents a check-in is about: the elderly and anyone disabled or on medical equipment."""
        care = {PersonCategory.DISABLED, PersonCategory.MEDICAL_EQUIPMENT}
        residents = sorted(
            (r for r in household.residents.all() if r.archived_at is None),
            key=lambda r: (not r.is_head, r.date_of_birth),
        )
        return [
            r for r in residents if r.age_on(self.today) >= 60 or care & {c.category for c in r.categories.all()}
        ] or residents[:1]

    def working_days(self, username):
        weekday, saturday, sunday = WORKING[username]
        days = []
        for day in self.days:
            chance = weekday if day.weekday() < 5 else saturday if day.weekday() == 5 else sunday
            if self.rng.random() < chance and self.minutes(day):
                days.append(day)
        return days

    @staticmethod
    def on_or_before(days, day):
        return max((d for d in days if d <= day), default=day)

    def minutes(self, day):
        """The minutes of ``day`` at which a visit may have started, none later than now."""
        if day in self._minutes:
            return self._minutes[day]
        latest = self.now - datetime.timedelta(minutes=5)
        found = []
        for start, end in VISIT_HOURS:
            opens = timezone.make_aware(datetime.datetime.combine(day, start))
            closes = min(timezone.make_aware(datetime.datetime.combine(day, end)), latest)
            span = int((closes - opens).total_seconds() // 60)
            found.extend(opens + datetime.timedelta(minutes=m) for m in range(max(span, 0)))
        self._minutes[day] = found
        return found

    # --- what a routine visit finds -------------------------------------------------------------

    def check_in(self, household, day):
        """(purposes, conditions, notes) of a routine check-in."""
        rng = self.rng
        people = self.looked_in_on(household)
        if rng.random() < 0.07:
            return (Purpose.ROUTINE,), dict.fromkeys(people, Condition.NOT_HOME), rng.choice(NOT_HOME_NOTES)
        conditions = {}
        for resident in people:
            roll = rng.random()
            if len(people) > 1 and roll < 0.05:
                conditions[resident] = Condition.NOT_HOME
            elif roll < 0.14:
                conditions[resident] = Condition.UNWELL
            else:
                conditions[resident] = Condition.WELL
        if Condition.UNWELL in conditions.values():
            return (Purpose.ROUTINE,), conditions, rng.choice(UNWELL_NOTES)
        if Condition.NOT_HOME in conditions.values():
            return (Purpose.ROUTINE,), conditions, rng.choice(PARTNER_OUT_NOTES)
        _, reminder, extra_purpose, checks = next(s for s in SEASONS if day.month in s[0])
        roll = rng.random()
        if extra_purpose and roll < 0.12:
            return (Purpose.ROUTINE, extra_purpose), conditions, rng.choice(checks)
        if roll < 0.35:
            return (Purpose.ROUTINE,), conditions, ""  # a handful of taps at the door
        if roll < 0.5:
            return (Purpose.ROUTINE,), conditions, reminder
        return (Purpose.ROUTINE,), conditions, rng.choice(COUPLE_WELL_NOTES if len(people) > 1 else WELL_NOTES)

    # --- the plan --------------------------------------------------------------------------------

    def plan_campaign(self, shops, workdays, busy):
        """Story 2: Wu walks the street-front shops road by road; a shop found closed waits."""
        rng = self.rng
        starts_on = self.days_ago(CAMPAIGN_STARTED_DAYS_AGO)
        self.campaign = Campaign.objects.create(
            name=CAMPAIGN_NAME,
            purpose=CAMPAIGN_PURPOSE,
            starts_on=starts_on,
            ends_on=self.today + datetime.timedelta(days=CAMPAIGN_ENDS_IN_DAYS),
            target=CampaignTarget.STREET_FRONT_SHOPS,
            created_by=self.staff,
        )
        self.campaign.grids.set([self.grid1])
        created_at = timezone.make_aware(
            datetime.datetime.combine(starts_on - datetime.timedelta(days=2), VISIT_HOURS[0][0])
        )
        Campaign.objects.filter(pk=self.campaign.pk).update(created_at=created_at + datetime.timedelta(hours=2))

        def route(shop):
            road, number = _address_number(shop.address)
            return (CAMPAIGN_ROUTE.index(road) if road in CAMPAIGN_ROUTE else len(CAMPAIGN_ROUTE), number)

        visited = []
        for shop in sorted((s for s in shops if s.street_front), key=route):
            if len(visited) == CAMPAIGN_SHOPS_VISITED:
                break
            if rng.random() >= 0.06:
                visited.append(shop)
        days = [d for d in workdays if starts_on <= d < self.today]
        weights = [rng.uniform(0.6, 1.4) for _ in days]
        sizes = [int(len(visited) * w / sum(weights)) for w in weights]
        for i in rng.sample(range(len(days)), len(visited) - sum(sizes)):
            sizes[i] += 1
        walk = iter(visited)
        for day, size in zip(days, sizes, strict=True):
            for _ in range(size):
                shop = next(walk)
                notes = rng.choice(CAMPAIGN_FOOD_NOTES if shop.business_type == BusinessType.FOOD else CAMPAIGN_NOTES)
                self.planned.append(
                    PlannedVisit(day, self.wu, shop=shop, purposes=(Purpose.CAMPAIGN,), notes=notes, campaign=True)
                )
            busy[day] = busy.get(day, 0) + (size + 1) // 2
        return len(visited)

    def plan_safety(self, worker, shops, workdays, busy, chance):
        """Fire and gas checks of shops now and then; an expired extinguisher leaves a follow-up."""
        rng = self.rng
        unchecked = list(shops)
        rng.shuffle(unchecked)
        last_day = self.on_or_before(workdays, self.days_ago(2))
        for day in workdays:
            if day >= self.today:
                continue
            count = 1 if day == last_day else rng.choice((1, 1, 2)) if rng.random() < chance else 0
            for index in range(count):
                if not unchecked:
                    return
                shop = unchecked.pop()
                visit = PlannedVisit(day, worker, shop=shop, purposes=(Purpose.SAFETY,))
                if day == last_day and index == 0 and worker is self.wu:
                    visit.notes = EXTINGUISHER_NOTES
                    visit.follow_up = (EXTINGUISHER_FOLLOW_UP, day + datetime.timedelta(days=7))
                else:
                    visit.notes = rng.choice(SAFETY_ISSUE_NOTES if rng.random() < 0.25 else SAFETY_OK_NOTES)
                self.planned.append(visit)
            busy[day] = busy.get(day, 0) + count

    def story_visits(self, households, workdays):
        """Story 1 (Ren Aixiang's weekly check-ins and the ventilator) and the follow-ups of Wu's day."""
        rng = self.rng
        ren_household = next(h for h in households if any(r.name == REN_NAME for r in h.residents.all()))
        (ren,) = self.looked_in_on(ren_household)
        visits = []
        ventilator_day = self.days_ago(REN_VISIT_DAYS_AGO)
        visits.append(
            PlannedVisit(
                ventilator_day,
                self.wu,
                household=ren_household,
                conditions={ren: Condition.NEEDS_HELP},
                notes=REN_NOTES,
                follow_up=(REN_FOLLOW_UP, ventilator_day + datetime.timedelta(days=REN_FOLLOW_UP_IN_DAYS)),
            )
        )
        day = ventilator_day
        for notes in REN_EARLIER_NOTES:
            day = self.on_or_before(workdays, day - datetime.timedelta(days=rng.choice((6, 7, 7, 8))))
            if day <= self.first_day:
                break
            visits.append(
                PlannedVisit(day, self.wu, household=ren_household, conditions={ren: Condition.WELL}, notes=notes)
            )

        story_names = RESERVED_NAMES | {"陈国平", "王美娟", "张浩", "李雨婷", "刘长春"}
        ordinary = [h for h in households if not any(r.name in story_names for r in h.residents.all())]
        alone = [h for h in ordinary if self.cadence(h) == CADENCE_LIVING_ALONE]
        empty_nest = [h for h in ordinary if self.cadence(h) == CADENCE_EMPTY_NEST]
        chosen = {"grab_bar": rng.choice(alone), "water_heater": rng.choice(empty_nest)}
        chosen["pills"] = rng.choice([h for h in alone if h is not chosen["grab_bar"]])
        for key, days_ago, notes, what, due_in, condition in FOLLOW_UP_STORIES:
            household = chosen[key]
            day = self.on_or_before(workdays, self.days_ago(days_ago))
            due_on = (
                day + datetime.timedelta(days=3) if due_in is None else self.today + datetime.timedelta(days=due_in)
            )
            conditions = dict.fromkeys(self.looked_in_on(household), condition)
            visits.append(
                PlannedVisit(
                    day,
                    self.wu,
                    household=household,
                    conditions=conditions,
                    notes=notes,
                    follow_up=(what, due_on),
                    opens=key,
                )
            )
            if key == "pills":  # done two days later, before it fell due
                closed_on = min((d for d in workdays if d >= day + datetime.timedelta(days=2)), default=due_on)
                visits.append(
                    PlannedVisit(
                        closed_on,
                        self.wu,
                        household=household,
                        conditions=dict.fromkeys(conditions, Condition.WELL),
                        notes=PILLS_CLOSED_NOTES,
                        closes=key,
                    )
                )
        return visits

    def plan_check_ins(self, worker, households, workdays, busy, scripted):
        """Routine check-ins day by day, around the scripted visits (which count like any other)."""
        rng = self.rng
        low, high = CHECK_INS_PER_DAY[worker.username]
        workdays = set(workdays)
        cadence = {h.pk: self.cadence(h) for h in households}
        due = {pk: self.first_day + datetime.timedelta(days=rng.randrange(c)) for pk, c in cadence.items() if c}
        tenants = [h for h in households if h.tenure == Tenure.RENTED]
        scripted_on, scripted_days = {}, {}
        for visit in scripted:
            scripted_on.setdefault(visit.day, []).append(visit)
            scripted_days.setdefault(visit.household.pk, []).append(visit.day)

        def visited(visit):
            """The household is next due when the first of its people is: a cadence after they
            were seen, within days if unwell, and soon if they were not at home."""
            pk, day = visit.household.pk, visit.day
            if visit.follow_up:
                due[pk] = datetime.date.max  # waits for the visit that settles the follow-up
                return
            if not cadence.get(pk):
                return
            days = []
            for condition in visit.conditions.values():
                if condition == Condition.NOT_HOME:
                    days.append(rng.randint(1, 3))
                elif condition == Condition.WELL:
                    days.append(cadence[pk])
                else:
                    days.append(min(cadence[pk], rng.randint(3, 5)))
            due[pk] = day + datetime.timedelta(days=min(days))

        for day in self.days:
            todays = scripted_on.get(day, [])
            for visit in todays:
                self.planned.append(visit)
                visited(visit)
            if day not in workdays:
                continue
            count = rng.randint(low, high) - busy.get(day, 0) - len(todays)
            if day == self.today:
                count = count * len(self.minutes(day)) // VISIT_MINUTES_A_DAY
            knocked = {v.household.pk for v in todays}
            candidates = [
                h
                for h in households
                if due.get(h.pk, datetime.date.max) <= day
                and h.pk not in knocked
                and not any(0 <= (d - day).days <= 5 for d in scripted_days.get(h.pk, ()))
            ]
            # The closest care first (weekly before fortnightly before monthly), then the most overdue.
            candidates.sort(key=lambda h: (cadence[h.pk], due[h.pk], rng.random()))
            for household in candidates[: max(count, 0)]:
                purposes, conditions, notes = self.check_in(household, day)
                visit = PlannedVisit(
                    day, worker, household=household, purposes=purposes, conditions=conditions, notes=notes
                )
                self.planned.append(visit)
                visited(visit)
            if tenants and day < self.today and rng.random() < 0.15:
                household = rng.choice(tenants)
                self.planned.append(
                    PlannedVisit(
                        day,
                        worker,
                        household=household,
                        purposes=(Purpose.OTHER,),
                        conditions={self.looked_in_on(household)[0]: Condition.WELL},
                        notes=rng.choice(TENANT_NOTES),
                    )
                )

    def set_times(self):
        """Spread each worker's day over the visiting hours, in the order of a walk down the streets."""
        by_day = {}
        for visit in self.planned:
            by_day.setdefault((visit.worker.pk, visit.day), []).append(visit)
        for (_, day), visits in by_day.items():
            visits.sort(key=lambda v: (v.target.address, v.closes))
            times = sorted(self.rng.sample(self.minutes(day), len(visits)))
            for visit, at in zip(visits, times, strict=True):
                visit.visited_at = at

    # --- writing -----------------------------------------------------------------------------------

    def log(self):
        opened = {}
        for planned in sorted(self.planned, key=lambda v: v.visited_at):
            what, due_on = planned.follow_up or (None, None)
            visit, _ = log_visit(
                worker=planned.worker,
                client_id=uuid.UUID(int=self.rng.getrandbits(128)),
                visited_at=planned.visited_at,
                household=planned.household,
                shop=planned.shop,
                purposes=planned.purposes,
                conditions=planned.conditions,
                notes=planned.notes,
                campaign=self.campaign if planned.campaign else None,
                follow_up=NewFollowUp(what, due_on, planned.worker) if what else None,
                close_follow_ups=[opened[planned.closes]] if planned.closes else (),
            )
            if planned.opens:
                opened[planned.opens] = FollowUp.objects.get(visit=visit)

    def backdate(self):
        """Make the records read as logged at the door rather than at seeding time: a visit was
        created when it happened (so only the latest are still the worker's to correct), a
        follow-up with its visit, and a follow-up was done in the visit that closed it."""
        grids = (self.grid1.pk, self.grid2.pk)
        Visit.objects.filter(grid__in=grids).update(created_at=F("visited_at"), updated_at=F("visited_at"))
        Visit.history.filter(grid_id__in=grids).update(
            history_date=F("visited_at"), history_change_reason=CHANGE_REASON
        )
        opened_at = Visit.objects.filter(pk=OuterRef("visit_id")).values("visited_at")[:1]
        closed_at = Visit.objects.filter(pk=OuterRef("done_in_visit_id")).values("visited_at")[:1]
        FollowUp.objects.filter(grid__in=grids, done_in_visit__isnull=False).update(done_at=Subquery(closed_at))
        FollowUp.history.filter(grid_id__in=grids, history_type="+").update(
            history_date=Subquery(opened_at), history_change_reason=CHANGE_REASON
        )
        FollowUp.history.filter(grid_id__in=grids, history_type="~").update(
            done_at=Subquery(closed_at), history_date=Subquery(closed_at), history_change_reason=CHANGE_REASON
        )

    def build(self):
        """Plan and log every visit. Call inside a transaction, after the accounts exist."""
        households1, shops1 = self.households(self.grid1), self.shops(self.grid1)
        households2, shops2 = self.households(self.grid2), self.shops(self.grid2)
        wu_days, chen_days = self.working_days("wu"), self.working_days("chen")
        wu_busy, chen_busy = {}, {}

        self.plan_campaign(shops1, wu_days, wu_busy)
        self.plan_safety(self.wu, shops1, wu_days, wu_busy, chance=0.3)
        self.plan_check_ins(self.wu, households1, wu_days, wu_busy, self.story_visits(households1, wu_days))

        self.plan_safety(self.chen, shops2, chen_days, chen_busy, chance=0.1)
        alone2 = [h for h in households2 if self.cadence(h) in (CADENCE_KEY_CARE, CADENCE_LIVING_ALONE)]
        household = self.rng.choice(alone2)
        day = self.on_or_before(chen_days, self.days_ago(4))
        wiring = PlannedVisit(
            day,
            self.chen,
            household=household,
            purposes=(Purpose.ROUTINE, Purpose.SAFETY),
            conditions=dict.fromkeys(self.looked_in_on(household), Condition.WELL),
            notes=WIRING_NOTES,
            follow_up=(WIRING_FOLLOW_UP, day + datetime.timedelta(days=10)),
        )
        self.plan_check_ins(self.chen, households2, chen_days, chen_busy, [wiring])

        self.set_times()
        self.log()
        self.backdate()
        return self.campaign


def ensure_accounts(community, *, reset_passwords=False):
    """Create the demo users and their roles if missing; return rows for the summary table.

    A password is set when the user is created (or on request), so a re-run does not undo a
    changed password.
    """
    User = get_user_model()
    grids = {g.number: g for g in community.grids.all()} if community else {}
    rows = []
    for account in ACCOUNTS:
        is_admin = account.kind == RoleKind.ADMIN
        user, created = User.objects.update_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@example.com",
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        password_set = created or reset_passwords
        if password_set:
            validate_password(DEMO_PASSWORD, user)
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        note = ""
        if account.kind == RoleKind.GRID_WORKER:
            grid = grids.get(account.grid_number)
            if grid is None:
                note = f"Grid {account.grid_number} missing: no role given"
            else:
                Role.objects.get_or_create(user=user, kind=account.kind, grid=grid, community=None)
        elif account.kind == RoleKind.COMMUNITY_STAFF:
            if community is None:
                note = "community missing: no role given"
            else:
                Role.objects.get_or_create(user=user, kind=account.kind, grid=None, community=community)
        elif is_admin:
            Role.objects.get_or_create(user=user, kind=account.kind, grid=None, community=None)
        # Chinese order: family name first.
        rows.append((account.username, f"{user.last_name}{user.first_name}", account.label, password_set, note))
    return rows


def seed(*, reset_passwords=False, today=None):
    """Build the demo world and its visit history unless Dongluchi already exists; always
    ensure the accounts.

    Returns (created, community, account rows).
    """
    today = today or timezone.localdate()
    # Visits are never in the future; on a day other than today, that day ends at 18:00.
    end_of_day = timezone.make_aware(datetime.datetime.combine(today, VISIT_HOURS[-1][1]))
    now = min(timezone.now(), end_of_day)
    with transaction.atomic():
        community = Community.objects.filter(code=COMMUNITY_CODE).first()
        created = community is None
        if created:
            community = WorldBuilder(today).build()
        rows = ensure_accounts(community, reset_passwords=reset_passwords)
        if created:
            VisitHistoryBuilder(community, today, now).build()
            assign_care_levels(community, today)
    return created, community, rows


def assign_care_levels(community, today):
    """Give every resident the care level DOMAIN.md suggests for them (weekly, fortnightly,
    monthly check-ins), as a community would when it starts using gridapp."""
    levels = {level.suggest_for: level for level in CareLevel.objects.exclude(suggest_for="")}
    residents = Resident.objects.filter(household__grid__community=community, archived_at__isnull=True)
    assignments = []
    for resident in residents.prefetch_related("categories"):
        rule = suggested_rule(resident, resident.category_values(), today)
        if rule in levels:
            assignments.append(CareAssignment(resident=resident, level=levels[rule], assigned_on=today))
    CareAssignment.objects.bulk_create(assignments)
    refresh_last_seen([a.resident_id for a in assignments])
