"""The demo world of DOMAIN.md, built by ``manage.py seed_demo``.

Linpu Town → Dongluchi Community → Grid 1 (Wu Jiadong's: 307 households, 92 shops, mostly
elderly) and Grid 2 (Chen's, smaller), with the places and people of the six stories and one demo
account per role. Everything comes from ``random.Random(SEED)``, so two runs on the same day build
the same register; ages are counted from ``timezone.localdate()``, so dates of birth (and the ID
numbers that embed them) follow the calendar and Ren Aixiang stays 86.

The visit history of the last 45 days (Wu's and Chen's check-ins and shop inspections, Ren
Aixiang's ventilator follow-up, the shop campaign at 61 of 92) comes from its own generator,
``random.Random(VISITS_SEED)``, and is logged through ``visits.services.log_visit``.

The cases of the last 90 days (stories 3, 4 and 5 and some sixty others, in every state) come
from ``random.Random(CASES_SEED)`` and are taken through ``cases.services`` step by step, so
each timeline is made of real CaseEvents; the town's departments and their accounts are
ensured like the other accounts.
"""

import bisect
import contextlib
import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import F, OuterRef, Subquery, Value, When
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history

from cases.models import (
    OPEN_STATES,
    Case,
    CaseCounter,
    CaseEvent,
    Category,
    CloseReason,
    Department,
    DepartmentKind,
    MediationOutcome,
    MediationRecord,
    Priority,
    Satisfaction,
    default_due_at,
)
from cases.models import Channel as CaseChannel
from cases.services import (
    Change,
    case_assign,
    case_report,
    flag_overdue,
    perform,
    record_mediation,
    record_mediation_follow_up,
)
from gridapp.core.validators import id_check_char
from gridapp.models import (
    Building,
    BusinessType,
    Community,
    Delivery,
    DeliveryStatus,
    Grid,
    Household,
    HouseholdTag,
    HouseholdTagLink,
    Notification,
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
from visits.checkins import refresh_last_seen, suggested_rule
from visits.models import Campaign, CampaignTarget, CareAssignment, CareLevel, Condition, FollowUp, Purpose, Visit
from visits.services import NewFollowUp, log_visit

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
    department: str = ""  # a DepartmentKind: the user is a member of the town's department of that kind


ACCOUNTS = (
    Account("wu", "吴", "佳栋", RoleKind.GRID_WORKER, 1, "grid worker, Grid 1 (Wu Jiadong)"),
    Account("chen", "陈", "晓燕", RoleKind.GRID_WORKER, 2, "grid worker, Grid 2 (Chen Xiaoyan)"),
    Account("staff", "沈", "丽华", RoleKind.COMMUNITY_STAFF, None, "community staff, Dongluchi (Shen Lihua)"),
    Account("admin", "", "管理员", RoleKind.ADMIN, None, "admin (superuser)"),
    Account("li", "李", "烈鸿", None, None, "no role yet: Old Li, Grid 1 party group leader"),
    Account(
        "police",
        "孙",
        "志强",
        None,
        None,
        "department: Linpu police station, Dongluchi's officer (one grid, one police officer)",
        DepartmentKind.POLICE,
    ),
    Account(
        "build",
        "楼",
        "建平",
        None,
        None,
        "department: town construction & planning office",
        DepartmentKind.CONSTRUCTION,
    ),
    Account(
        "agri", "施", "卫东", None, None, "department: town agriculture & rural office", DepartmentKind.AGRICULTURE
    ),
)

# The town's departments that cases are referred to: (name, kind). The police station is the
# article's 临浦派出所 (a town has one; its officer for Dongluchi is the grid's part-time grid
# worker); the contractor is the one renovating Dongluchi's old buildings (story 5), without an
# account of its own.
DEPARTMENTS = (
    ("临浦派出所", DepartmentKind.POLICE),
    ("临浦镇建设规划办", DepartmentKind.CONSTRUCTION),
    ("临浦镇农业农村办", DepartmentKind.AGRICULTURE),
    ("东麓池老旧小区改造施工方", DepartmentKind.CONTRACTOR),
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
RESERVED_NAMES = {"任爱香", "吴佳栋", "李烈鸿", "陈晓燕", "沈丽华", "孙志强", "楼建平", "施卫东"}

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


# --- cases: the last three months of complaints, disputes and hazards (DOMAIN.md; stories 3-5) --

# The case history draws from its own generators (one for the plan, one per case for its pace),
# so adding it left the register and the visits as they were, and how far one case has got by
# now does not change any other.
CASES_SEED = SEED + 2
CASE_HISTORY_DAYS = 90
# Community staff and departments work office hours on weekdays; grid workers' hours are the
# same, but they are out on Saturdays too.
OFFICE_HOURS = (datetime.time(8, 0), datetime.time(17, 30))
# The overdue sweep runs every 15 minutes (cases/migrations/0002).
SWEEP_MINUTES = 15
# A notification this old has been read.
READ_AFTER = datetime.timedelta(days=2)
GRID_SHARE = 0.75  # of the cases, those in Grid 1 (307 households against Grid 2's 40)


@dataclass(frozen=True)
class CaseKind:
    """A kind of case the demo draws, and what is done about it. In the texts ``{place}`` is the
    household, shop, building or stretch of road, ``{other}`` the flat above in a dispute
    between two households."""

    category: str
    # pair (a flat and the one above), flat, rented (a rented flat), house (no building),
    # building, shop, food_shop, night_shop, road
    place: str
    title: str
    description: str
    done: str  # the note of "settle" or "resolve" (for a rejected kind: the reason)
    # Who complains: someone of the place's household, a neighbour, or nobody (the worker found it).
    complainant: str = "neighbour"
    department: str = ""  # the DepartmentKind that handles it, if it is referred
    escalate: str = ""  # why the worker hands it to the community
    redo: str = ""  # what a failed verification (or a reopening complainant) found
    agreement: str = ""  # a dispute: what the mediation agreed
    priorities: tuple = (Priority.NORMAL,)
    close_reason: str = CloseReason.FIXED


# Settled or resolved in the grid (小事不出网格).
GRID_KINDS = (
    CaseKind(
        "邻里纠纷",
        "pair",
        "{place}与邻居因楼道堆物发生争执",
        "{place}住户反映，{other}长期在楼道堆放纸箱、旧家具，影响通行，也有消防隐患，双方为此多次争吵。",
        "分别上门做两户工作，{other}住户当天清理了楼道杂物，双方握手言和。",
        complainant="place",
        redo="复查时楼道又堆放了新的纸箱。",
        agreement="{other}住户两日内清理楼道杂物，今后不在公共楼道堆放物品；双方有事先当面沟通，不再争吵。",
    ),
    CaseKind(
        "邻里纠纷",
        "pair",
        "{place}楼上空调外机滴水引发纠纷",
        "{place}住户反映，楼上{other}空调外机的冷凝水滴在自家雨棚上，夜里滴答声影响休息，自行协商未果。",
        "与楼上住户沟通，同意加装冷凝水导管接入落水管，已安装，楼下住户表示认可。",
        complainant="place",
        agreement="{other}住户一周内请师傅加装空调冷凝水导管；{place}住户不再追究此前雨棚的损坏。",
    ),
    CaseKind(
        "噪音与动物扰民",
        "pair",
        "{place}楼上装修噪音扰邻",
        "{place}住户反映，楼上{other}装修，中午和晚上也在施工，电钻声影响家中老人休息。",
        "联系装修户和施工队，约定工作日8:00-12:00、14:00-18:00施工，周末不做噪音大的活，已在楼道张贴告示。",
        complainant="place",
        redo="居民反映周末仍在用电钻施工。",
        agreement="装修施工限定在工作日上午8点至12点、下午2点至6点，周末不进行噪音较大的施工。",
    ),
    CaseKind(
        "漏水渗水",
        "pair",
        "{place}天花板渗水，疑为楼上卫生间漏水",
        "{place}住户反映卫生间天花板渗水发霉，怀疑楼上{other}卫生间防水层破损，楼上住户不太配合。",
        "协调楼上住户请防水师傅检修，重做卫生间防水，楼下渗水已停止，天花板由楼上负责修补。",
        complainant="place",
        redo="回访时楼下天花板仍有湿迹，防水未做到位。",
        agreement="{other}住户一周内请师傅重做卫生间防水并承担费用；{place}天花板受损处由楼上负责修补粉刷。",
        priorities=(Priority.NORMAL, Priority.HIGH),
    ),
    CaseKind(
        "噪音与动物扰民",
        "building",
        "{place}楼下流浪猫聚集",
        "居民反映{place}楼下流浪猫聚集，夜里叫声扰民，有人投喂后剩饭剩菜没人清理，气味难闻。",
        "与投喂的居民沟通，改为定点定时投喂并及时清理；联系爱心志愿者为流浪猫做绝育。",
        priorities=(Priority.NORMAL, Priority.LOW),
    ),
    CaseKind(
        "环境卫生",
        "food_shop",
        "{place}油烟扰民",
        "楼上和周边居民反映{place}油烟直排，熏到住户窗户，夏天不敢开窗。",
        "督促店主清洗油烟净化器，并加装排烟管道至楼顶高空排放，复查油烟明显减少。",
        redo="复查时油烟净化器没有开启，油烟仍然直排。",
        priorities=(Priority.NORMAL, Priority.HIGH),
    ),
    CaseKind(
        "环境卫生",
        "shop",
        "{place}门口垃圾乱堆",
        "{place}门口长期堆放纸箱和垃圾袋，影响市容，违反“门前三包”。",
        "向店主宣传“门前三包”责任，店主当场清理，承诺垃圾按时分类投放。",
        redo="复查时门口又堆了纸箱。",
    ),
    CaseKind(
        "环境卫生",
        "road",
        "{place}小广告乱贴",
        "巡查发现{place}电线杆、墙面和楼道口贴满“开锁”“通下水道”小广告。",
        "组织网格志愿者清理小广告，并在楼道口张贴提示。",
        complainant="none",
        priorities=(Priority.LOW,),
    ),
    CaseKind(
        "安全隐患",
        "building",
        "{place}楼道电动车飞线充电",
        "巡查发现{place}有住户从窗口拉电线到楼道给电动车充电，存在火灾隐患。",
        "找到车主劝导，当场拆除飞线，告知到集中充电桩充电。",
        complainant="none",
        redo="夜间复查又发现飞线充电。",
        priorities=(Priority.HIGH, Priority.URGENT),
    ),
    CaseKind(
        "安全隐患",
        "shop",
        "{place}占用消防通道",
        "检查发现{place}在店后消防通道堆放货物和纸箱，通道宽度不足一米。",
        "要求店主当天清理消防通道内的货物，复查已清理完毕。",
        complainant="none",
        priorities=(Priority.HIGH,),
    ),
    CaseKind(
        "安全隐患",
        "flat",
        "{place}燃气软管老化",
        "入户发现{place}燃气灶软管老化开裂，存在漏气风险，老人不会自己更换。",
        "联系燃气公司上门更换燃气软管，检测无泄漏。",
        complainant="none",
        priorities=(Priority.HIGH,),
    ),
    CaseKind(
        "公共设施",
        "building",
        "{place}楼道灯不亮",
        "居民反映{place}楼道声控灯坏了一个多星期，老人晚上上下楼看不清。",
        "联系社区电工更换声控灯，楼道照明已恢复。",
        redo="复查时三楼的灯仍然不亮。",
        priorities=(Priority.NORMAL, Priority.LOW),
    ),
    CaseKind(
        "公共设施",
        "road",
        "{place}健身器材损坏",
        "居民反映{place}小广场的漫步机踏板断裂，老人锻炼时容易受伤。",
        "在器材上贴了暂停使用告示，联系器材厂家上门更换了踏板。",
    ),
    CaseKind(
        "漏水渗水",
        "road",
        "{place}自来水管爆裂",
        "居民反映{place}路边自来水管爆裂，水流到路面上。",
        "已联系自来水公司抢修，当天修复。",
        priorities=(Priority.URGENT, Priority.HIGH),
        close_reason=CloseReason.REFERRED,
    ),
)

# Escalated to the community (大事不出社区).
COMMUNITY_KINDS = (
    CaseKind(
        "公共设施",
        "building",
        "{place}单元门门禁损坏",
        "居民反映{place}单元门门禁坏了，门关不上，陌生人随意进出，住户担心安全。",
        "社区联系门禁维保单位更换主板，门禁已恢复正常。",
        escalate="门禁主板损坏需整体更换，费用需社区协调。",
        redo="回访时门禁又失灵了。",
    ),
    CaseKind(
        "环境卫生",
        "road",
        "{place}垃圾桶清运不及时",
        "{place}路边垃圾桶经常满溢，清运不及时，夏天气味很大。",
        "社区与镇环卫所协调，该路段改为每日早晚两次清运，并增设两个垃圾桶。",
        escalate="清运频次需社区与镇环卫所协调。",
        redo="回访发现周末仍有满溢。",
    ),
    CaseKind(
        "邻里纠纷",
        "pair",
        "{place}与楼上因漏水赔偿争执不下",
        "{place}住户因楼上{other}漏水泡坏了木地板，要求赔偿，双方对金额争执不下。",
        "社区人民调解委员会组织双方调解，达成赔偿协议，双方已签字。",
        complainant="place",
        escalate="网格调解未能达成一致，提请社区人民调解委员会调解。",
        agreement="{other}住户一次性赔偿{place}住户地板修复费用三千元，十日内付清；双方不再就此事争执。",
    ),
    CaseKind(
        "安全隐患",
        "building",
        "{place}楼顶水箱锈蚀",
        "{place}住户反映楼顶水箱锈蚀严重，自来水有铁锈味，担心饮水卫生。",
        "社区协调供水公司清洗消毒水箱并做防锈处理，水质检测合格。",
        escalate="水箱属公共设施，需社区联系供水单位。",
        priorities=(Priority.HIGH,),
    ),
)

# Referred to a department of the town.
DEPARTMENT_KINDS = (
    CaseKind(
        "疑似违法行为",
        "rented",
        "{place}出租房疑似群租",
        "邻居反映{place}出租房内住了十多个人，进出频繁，夜里吵闹，担心安全。",
        "民警会同网格员上门核查，实际居住9人，已责令房东整改，清退5人，其余人员已登记流动人口信息。",
        department=DepartmentKind.POLICE,
        redo="复查时又有新租客入住，未登记。",
    ),
    CaseKind(
        "噪音与动物扰民",
        "night_shop",
        "{place}深夜喧哗扰民",
        "居民反映{place}营业到凌晨，喧哗声很大，影响休息。",
        "民警夜间到场劝导，店主承诺晚上10点后停止营业，已签订承诺书。",
        department=DepartmentKind.POLICE,
        redo="回访居民反映仍营业到深夜。",
    ),
    CaseKind(
        "噪音与动物扰民",
        "flat",
        "{place}犬只未拴绳、夜间吠叫",
        "居民反映{place}住户养的大型犬出门不拴绳，夜里经常吠叫，小孩害怕。",
        "民警上门核查，犬只已补办登记和免疫，督促主人文明养犬、出门拴绳。",
        department=DepartmentKind.POLICE,
    ),
    CaseKind(
        "疑似违法行为",
        "road",
        "{place}有人推销“保健品”疑似诈骗老人",
        "居民反映{place}有人摆摊免费送鸡蛋，吸引老人听课后高价推销“保健品”。",
        "民警到场核查，系无证推销，已批评教育并清离；社区同步开展防诈骗宣传。",
        department=DepartmentKind.POLICE,
        priorities=(Priority.HIGH,),
    ),
    CaseKind(
        "疑似违法行为",
        "house",
        "{place}私自搭建彩钢棚",
        "邻居反映{place}在院外私自搭建彩钢棚，占用公共通道，影响采光。",
        "镇建设规划办上门核查，认定为违章搭建，已下达整改通知，户主已自行拆除。",
        department=DepartmentKind.CONSTRUCTION,
        redo="复查时彩钢棚只拆除了一半。",
    ),
    CaseKind(
        "公共设施",
        "road",
        "{place}路灯不亮",
        "居民反映{place}一段路灯连续几晚不亮，晚上出行不便。",
        "镇建设规划办安排路灯维护单位检修线路、更换灯具，已恢复照明。",
        department=DepartmentKind.CONSTRUCTION,
        redo="复查时仍有两盏路灯不亮。",
    ),
    CaseKind(
        "安全隐患",
        "road",
        "{place}窨井盖破损",
        "{place}人行道上一个窨井盖破损下陷，晚上容易踩空。",
        "已设置警示标志，并更换了新的窨井盖。",
        department=DepartmentKind.CONSTRUCTION,
        priorities=(Priority.URGENT, Priority.HIGH),
    ),
    CaseKind(
        "安全隐患",
        "building",
        "{place}外墙瓷砖脱落",
        "{place}外墙瓷砖松动，已有几块掉落在楼下通道上，险些砸到人。",
        "施工队搭设脚手架清除松动瓷砖，外墙已修补，楼下临时围挡已撤除。",
        department=DepartmentKind.CONSTRUCTION,
        priorities=(Priority.URGENT, Priority.HIGH),
    ),
    CaseKind(
        "漏水渗水",
        "building",
        "{place}顶楼屋面渗水",
        "{place}顶楼住户反映一下雨屋顶就渗水，房间墙面大片发霉。",
        "纳入老旧小区改造，施工方对屋面重新做了防水，雨后复查不再渗水。",
        department=DepartmentKind.CONSTRUCTION,
        redo="下雨后顶楼仍有一处渗水。",
    ),
    CaseKind(
        "公共设施",
        "road",
        "{place}人行道地砖破损",
        "居民反映{place}人行道地砖松动破损，雨天踩上去溅水，老人容易绊倒。",
        "镇建设规划办安排施工单位更换了破损地砖。",
        department=DepartmentKind.CONSTRUCTION,
        priorities=(Priority.LOW, Priority.NORMAL),
    ),
    CaseKind(
        "环境卫生",
        "road",
        "{place}排水沟渠淤塞发臭",
        "居民反映{place}的排水沟渠淤泥堵塞，雨天积水，夏天发臭、蚊虫多。",
        "镇农业农村办安排清淤队清理沟渠淤泥，排水已畅通。",
        department=DepartmentKind.AGRICULTURE,
        redo="下雨后沟渠仍有积水，下游涵管没有疏通。",
    ),
    CaseKind(
        "环境卫生",
        "road",
        "{place}有人焚烧秸秆",
        "居民反映{place}的农田里有人焚烧秸秆，烟很大，熏到住户。",
        "镇农业农村办到场劝导，明火已扑灭，对当事人进行了教育并宣传秸秆综合利用。",
        department=DepartmentKind.AGRICULTURE,
        priorities=(Priority.HIGH,),
    ),
    CaseKind(
        "噪音与动物扰民",
        "house",
        "{place}散养鸡鸭影响环境卫生",
        "邻居反映{place}在院外散养鸡鸭，粪便满地，清早鸡叫扰民。",
        "镇农业农村办会同网格员上门劝导，户主已将家禽圈养并清理了粪便。",
        department=DepartmentKind.AGRICULTURE,
        redo="回访时鸡鸭又放出来了。",
    ),
    CaseKind(
        "疑似违法行为",
        "road",
        "{place}农用地被偷倒建筑垃圾",
        "居民反映{place}的农用地被人偷倒建筑垃圾，越堆越多。",
        "镇农业农村办查实倾倒人，责令其清运建筑垃圾并恢复耕作层。",
        department=DepartmentKind.AGRICULTURE,
    ),
)

# Reported, then rejected by staff with the reason (``done``).
REJECTED_KINDS = (
    CaseKind(
        "公共设施",
        "road",
        "反映小区停车收费过高",
        "12345转办：来电人反映其居住小区停车收费过高，要求降低收费标准。",
        "经核实，来电人所住小区属临浦镇其他社区，不在本社区辖区，已退回12345并告知来电人向所在社区反映。",
    ),
    CaseKind(
        "安全隐患",
        "road",
        "反映新购商品房墙面开裂",
        "来电人反映新买的商品房墙面开裂，要求社区处理。",
        "属开发商保修范围内的商品房质量问题，不属社区受理范围，已告知来电人联系开发商或向住建部门反映。",
    ),
    CaseKind(
        "噪音与动物扰民",
        "road",
        "反映{place}夜间施工噪音",
        "12345转办：来电人反映{place}夜间有机械施工噪音。",
        "经现场核实，系市政管道抢修，已办理夜间施工许可，已向来电人解释说明。",
    ),
)

# How the spread of cases ends up, and how many of each (see CaseHistoryBuilder.play_spread).
# "scenario@action": reported in the last days and stopped after that action, so that every
# open state is in the queues whatever the day (otherwise a recent case stays wherever its
# story has got to by now).
CASE_SCENARIOS = (
    ("settle", 14),  # 自行处置: the worker settles it at once (disputes with a mediation record)
    ("settle@register", 1),  # registered, not yet taken
    ("grid_resolve", 4),  # the worker resolves it, staff verify and close
    ("grid_resolve@take", 1),  # in the worker's hands
    ("grid_rework", 1),  # staff find it not fixed; the worker does it again
    ("stalled_handling", 1),  # a dispute that drags on: overdue in the worker's hands
    ("community", 3),  # escalated; the community resolves it
    ("community@escalate", 1),  # waiting for staff
    ("community_mediation", 1),  # mediation fails in the grid; the community's succeeds
    ("stalled_escalated", 1),  # escalated and waiting for staff: overdue
    ("dispatch", 9),  # staff refer it to a department, which resolves it
    ("dispatch@resolve", 2),  # resolved by the department, for the worker to verify
    ("dispatch@verify", 1),  # verified, to be closed
    ("escalate_dispatch", 5),  # the worker escalates, staff refer it
    ("escalate_dispatch@dispatch", 1),  # with the department
    ("dispatch_rework", 3),  # the department's first fix fails verification
    ("dispatch_return", 2),  # referred to the wrong department, returned, referred again
    ("stalled_dispatch", 2),  # referred and overdue
    ("dispatch_extend", 2),  # the department asks for more time
    ("rejected", 3),
    ("duplicate", 1),
    ("withdrawn", 1),
    ("unable", 1),
    ("reopened", 1),  # unsatisfied, reopened by staff, done again
    ("fresh", 3),  # reported in the last hours, not yet registered
)
# How many days ago a case stopped after an action was reported: long enough to get there.
STOP_AGES = {
    "register": (0.2, 1),
    "take": (1, 3),
    "escalate": (2, 4),
    "dispatch": (3, 6),
    "resolve": (11, 15),
    "verify": (13, 18),
}
REFERRED_SCENARIOS = {
    "dispatch",
    "escalate_dispatch",
    "dispatch_rework",
    "dispatch_return",
    "dispatch_extend",
    "stalled_dispatch",
}
COMMUNITY_SCENARIOS = {"community", "community_mediation", "stalled_escalated"}
# Reported long enough ago to have run their course (the rest may still be under way).
LONG_SCENARIOS = {"grid_rework", "community_mediation", "dispatch_rework", "dispatch_return", "dispatch_extend"}

TAKE_NOTES = ("", "", "已电话联系投诉人，约好上门查看。", "到现场查看，情况属实。")
TAKE_NOTES_FOUND = ("", "到现场查看，情况属实。")  # nobody complained: the worker found it
VERIFY_NOTES = ("到现场查看，问题已解决。", "电话回访投诉人，确认已处理到位。", "复查现场，已整改完毕。")
VERIFY_NOTES_FOUND = ("到现场查看，问题已解决。", "复查现场，已整改完毕。")
FEEDBACK_NOTES = {
    Satisfaction.SATISFIED: (
        "投诉人对处理结果表示满意。",
        "电话回访，居民表示满意，感谢社区。",
        "回访时居民说问题解决了，很满意。",
    ),
    Satisfaction.BASICALLY: (
        "居民表示基本满意，希望以后处理得再快一些。",
        "电话回访，投诉人基本满意，希望防止问题反复。",
    ),
    Satisfaction.UNSATISFIED: ("投诉人对处理时间过长不满意。", "居民认为问题没有彻底解决，表示不满意。"),
}
DISPATCH_NOTE = "请{department}核查处理。"
ESCALATE_TO_DEPARTMENT = "超出网格处置能力，需{department}处理，提请社区转派。"
RETURN_NOTE = "经核查，该事项不属于本部门职责范围，建议转{department}处理。"
EXTEND_NOTES = {
    DepartmentKind.POLICE: "当事人暂时联系不上，需进一步核查，申请延期。",
    DepartmentKind.CONSTRUCTION: "需协调施工队伍和材料，现场处置需要更多时间，申请延期。",
    DepartmentKind.AGRICULTURE: "需等待清运车辆和天气条件，申请延期。",
}
WORKER_EXTEND_NOTE = "需再次上门协调当事人，申请延期。"
REDONE_NOTE = "已按复查意见重新整改：{done}"
REOPEN_NOTE = "投诉人反映问题又出现了：{redo}重新办理。"
DUPLICATE_NOTE = "与已登记的事件为同一事项，合并处理。"
WITHDRAWN_NOTE = "双方已自行协商解决，投诉人撤回投诉。"
UNABLE_NOTE = "楼上住户长期在外地，多次电话联系未果，无法入户检修；已告知投诉人可申请人民调解委员会调解或向法院起诉。"
UNABLE_FEEDBACK = "投诉人理解社区已尽力，但渗水问题仍未解决，表示不满意。"
FAILED_MEDIATION = "双方对责任和费用分歧较大，未能达成一致。"
PARTIAL_MEDIATION = "双方同意先请师傅查明原因，费用分担暂未谈拢，约定下周再谈。"

# Story 3: the neighbours' leak at 临江路4幢 (Wu and Old Li, half an hour, a mediation record).
LEAK_DAYS_AGO = 26
LEAK_TITLE = "临江路4幢2单元楼上漏水至楼下，邻里起争执"
LEAK_DESCRIPTION = (
    "临江路4幢2单元301室的退休夫妻陈国平、王美娟来社区反映：楼上401室卫生间漏水，渗到自家卫生间和厨房"
    "天花板，墙面发霉；和楼上年轻住户说了几次都没有结果，情绪比较激动。"
)
LEAK_TAKE_NOTE = "放下手头工作，和网格党小组组长李烈鸿（老李）一起上门：先到301室听老两口诉说，再到401室与小两口沟通。"
LEAK_AGREEMENT = (
    "1. 401室张浩、李雨婷三日内请师傅检修卫生间防水，费用自理；\n"
    "2. 301室卫生间、厨房天花板受损处由401室负责重新粉刷；\n"
    "3. 维修完成前401室暂停使用淋浴；\n"
    "4. 双方互留电话，今后有问题先当面沟通。"
)
LEAK_SETTLE_NOTE = (
    "与老李分工合作，逐个做通两户的工作，半个多小时化解了纠纷，达成调解协议（见调解记录）。网格内自行处置。"
)
LEAK_FEEDBACK_NOTE = "回访两户：401室已重做卫生间防水，301室天花板不再渗水并已重新粉刷，两家人都表示满意，感谢社区。"

# Story 4: a dozen cats and dogs behind 峙山北路 (the landlord won't help; the police station's
# part-time grid worker finds the tenant; closed within a week).
PETS_DAYS_AGO = 47
PETS_NEIGHBOUR = "峙山北路后排平房4号"
PETS_TITLE = "峙山北路后排平房租户圈养十几只猫狗扰民"
PETS_DESCRIPTION = (
    "峙山北路后排平房4号居民来电反映：隔壁3号平房的租户圈养了十几只猫狗，日夜吠叫，气味很大，猫狗常跑到"
    "邻居家里，怀疑有违法行为。"
)
PETS_TAKE_NOTE = "上门查看，租户不在家；电话联系房东沈国平，房东表示房子租出去了，不管租户养什么。"
PETS_ESCALATE_NOTE = "房东不配合，租户联系不上，可能涉及违法行为，请社区转派出所兼职网格员（一格一警）协助。"
PETS_DISPATCH_NOTE = "请派出所兼职网格员协助联系租户，核实养殖情况。"
PETS_RESOLVE_NOTE = (
    "已联系上租户刘长春并上门核查：共圈养猫11只、狗4只，多为收养的流浪猫狗，犬只均未办理登记。已责令其一周内"
    "将猫狗送往救助站或由亲友领养，保留的1只犬须办证、免疫并拴养，清理院内卫生。租户表示配合。"
)
PETS_VERIFY_NOTE = "上门复查：租户已将大部分猫狗送走，仅留1只已登记的犬只，院内已清理；周边邻居反映已不再吵闹。"

# Story 5: the corridor leak at 峙山北路4幢 (escalated to the town; a lift truck; resolved at town level).
CORRIDOR_BUILDING = ("峙山北路", "4")
CORRIDOR_DAYS_AGO = 68
CORRIDOR_TITLE = "峙山北路4幢公共过道顶部漏水积水"
CORRIDOR_DESCRIPTION = (
    "峙山北路4幢租户反映：楼道公共过道顶部漏水，过道积水严重，下雨天更厉害，进出很不方便，老人怕滑倒。"
)
CORRIDOR_TAKE_NOTE = (
    "到现场查看：该楼建于上世纪80年代，楼内管道错综复杂，漏水管道埋在瓦片下面，一时找不到漏水点；"
    "过道属公共区域，没有物业，无人牵头处理。"
)
CORRIDOR_ESCALATE_NOTE = (
    "已联系整幢楼的房东商量维修办法，但该楼大多为出租户，房东基本不管，无法组织维修。"
    "请社区协调镇建设规划办、农业农村办及东麓池老旧小区改造施工方到现场查看。"
)
CORRIDOR_DISPATCH_NOTE = "请镇建设规划办牵头，会同镇农业农村办、东麓池老旧小区改造施工方现场查看，共同制定维修方案。"
CORRIDOR_EXTEND_NOTE = (
    "已会同镇农业农村办、东麓池老旧小区改造施工方到现场查看，共同制定维修方案：需调用登高车掀开瓦片查找"
    "漏水管道，登高车排期需要几天。"
)
CORRIDOR_RESOLVE_NOTE = "工人利用登高车掀开瓦片，找出漏水管道，对破损部分进行了更换维修，过道已不再漏水。"
CORRIDOR_VERIFY_NOTE = "雨后到现场查看，过道顶部不再滴水，积水已清理干净。"
CORRIDOR_FEEDBACK_NOTE = "租户表示很满意，感谢社区和镇里各部门。"


class _NotYet(Exception):
    """The next step of a case would come after now: the case stays where it has got to."""


@dataclass
class CasePlan:
    """One case to be: its intake, decided up front by the plan's generator."""

    when: datetime.datetime  # reported at
    scenario: str  # a CASE_SCENARIOS name, or story_3/4/5
    seed: str  # the seed of the case's own generator (its pace and feedback)
    grid: object = None
    kind: CaseKind | None = None
    reporter: object = None
    channel: str = CaseChannel.WALK_IN
    priority: str = Priority.NORMAL
    title: str = ""
    description: str = ""
    place_label: str = ""  # {place} in the kind's texts
    other_label: str = ""  # {other}: the flat above, in a dispute between two households
    households: list = field(default_factory=list)
    shops: list = field(default_factory=list)
    building: object = None
    complainant: object = None
    complainant_name: str = ""
    complainant_phone: str = ""
    anonymous: bool = False
    visit: object = None
    department: str = ""  # the DepartmentKind it is referred to
    wrong_department: str = ""  # dispatch_return: where it goes first
    stop_after: str = ""  # the action after which the case stays as it is
    duplicate_of: "CasePlan | None" = None
    case: object = None

    @property
    def has_complainant(self):
        return not self.anonymous and bool(self.complainant or self.complainant_name)


@dataclass
class CaseRun:
    """A case being taken through its life: its clock and what to backdate afterwards."""

    plan: CasePlan
    rng: random.Random
    case: object = None
    at: datetime.datetime | None = None  # when the last step happened
    times: list = field(default_factory=list)  # when each timeline entry happened, in order
    mediations: list = field(default_factory=list)  # (record, when)
    followed_up: set = field(default_factory=set)  # mediation records whose follow-up is recorded


class CaseHistoryBuilder:
    """The last CASE_HISTORY_DAYS days of Dongluchi's cases: stories 3, 4 and 5 and a spread of
    others over both grids, every category, priority, channel and state.

    Each case is planned first (intake, place, people) with the plan's generator, then taken
    through its life in the order the cases were reported, step by step through
    ``cases.services`` as the people of the demo: Wu or Chen for their grid, Shen Lihua for the
    community, the departments' members. Each step is given a time after the one before (office
    hours for staff and departments); a step that would come after now is not taken, so recent
    cases are still open wherever their story has got to.

    The services stamp ``timezone.now()``: the times of the intake are moved back as soon as the
    case is recorded (deadlines count from them, and an extension's note quotes the old one);
    the rest — every timeline entry's ``created_at``, the case's ``registered_at`` …
    ``feedback_at``, a mediation record's ``created_at``, the notifications the steps sent —
    once the case is as far as it goes, with queryset ``update()``s that map each stamp to the
    time of the step that wrote it. Nothing writes a case's state but the services.
    """

    def __init__(self, community, departments, today, now, rng=None):
        self.rng = rng or random.Random(CASES_SEED)
        self.community = community
        self.today = today
        self.horizon = now - datetime.timedelta(minutes=5)
        users = get_user_model().objects.in_bulk(
            ["wu", "chen", "staff", "li", "police", "build", "agri"], field_name="username"
        )
        self.staff, self.li = users["staff"], users["li"]
        grids = {g.number: g for g in community.grids.all()}
        self.grid1, self.grid2 = grids[1], grids[2]
        self.workers = {self.grid1.pk: users["wu"], self.grid2.pk: users["chen"]}
        self.departments = departments
        self.members = {
            DepartmentKind.POLICE: users["police"],
            DepartmentKind.CONSTRUCTION: users["build"],
            DepartmentKind.AGRICULTURE: users["agri"],
        }
        self.categories = {c.name: c for c in Category.objects.all()}
        self.last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.first_notification = self.last_notification
        self.places = {g.pk: self.load_places(g) for g in (self.grid1, self.grid2)}
        self.used_visits = set()
        self.decks = {}
        self.used_places = set()

    # --- the register, as places for cases -------------------------------------------------

    def load_places(self, grid):
        story_names = RESERVED_NAMES | {"陈国平", "王美娟", "张浩", "李雨婷", "刘长春"}
        households = [
            h
            for h in Household.objects.filter(grid=grid, archived_at__isnull=True)
            .select_related("building")
            .prefetch_related("residents")
            .order_by("pk")
            if not any(r.name in story_names for r in h.residents.all())
            and not (h.building and (h.building.road, h.building.number) == CORRIDOR_BUILDING)
        ]
        flats = [h for h in households if h.building_id]
        by_flat = {(h.building_id, h.unit, h.room): h for h in flats}
        above = {}
        for h in flats:
            if h.room.isdigit() and (upper := by_flat.get((h.building_id, h.unit, str(int(h.room) + 100)))):
                above[h.pk] = upper
        shops = list(Shop.objects.filter(grid=grid, archived_at__isnull=True).order_by("pk"))
        buildings = list(
            Building.objects.filter(grid=grid).exclude(road=CORRIDOR_BUILDING[0], number=CORRIDOR_BUILDING[1])
        )
        buildings.sort(key=lambda b: b.pk)
        return {
            "households": households,
            "flat": flats,
            "pair": [h for h in flats if h.pk in above],
            "above": above,
            "rented": [h for h in flats if h.tenure == Tenure.RENTED],
            "house": [h for h in households if not h.building_id],
            "building": [b for b in buildings if b.year_built < 1995] or buildings,
            "shop": shops,
            "food_shop": [s for s in shops if s.business_type == BusinessType.FOOD] or shops,
            "night_shop": [s for s in shops if any(w in s.name for w in ("棋牌", "烧烤", "足浴", "奶茶"))]
            or [s for s in shops if s.business_type == BusinessType.FOOD],
        }

    def deal(self, kinds):
        """The next of ``kinds`` from a shuffled deck: a kind comes again once all have come."""
        key = tuple(kinds)
        if not self.decks.get(key):
            deck = list(kinds)
            self.rng.shuffle(deck)
            self.decks[key] = deck
        return self.decks[key].pop()

    def fresh(self, items, *fallbacks):
        """One of ``items`` (places) not yet the place of a case; when all have been, one of the
        first of ``fallbacks`` that has such a place; else any of ``items``."""
        for tier in (items, *fallbacks):
            unused = [i for i in tier if (type(i), i.pk) not in self.used_places]
            if unused:
                break
        item = self.pick(unused or items)
        self.used_places.add((type(item), item.pk))
        return item

    def pick(self, items, rng=None):
        """One of ``items``, drawing one number whatever their count (the stream stays aligned)."""
        return items[int((rng or self.rng).random() * len(items))]

    @staticmethod
    def adult(household, today):
        residents = sorted(
            (r for r in household.residents.all() if r.archived_at is None and r.age_on(today) >= 18),
            key=lambda r: (not r.is_head, r.pk),
        )
        return residents[0] if residents else None

    def household_in(self, grid, building=None, road=None, exclude=()):
        places = self.places[grid.pk]
        candidates = [h for h in places["households"] if h not in exclude]
        if building is not None:
            candidates = [h for h in candidates if h.building_id == building.pk] or candidates
        elif road is not None:
            candidates = [h for h in candidates if h.address.startswith(road)] or candidates
        return self.pick(candidates)

    # --- the plan ---------------------------------------------------------------------------

    def intake_time(self, days_ago, channel):
        """A time on the day ``days_ago`` days back: the 12345 hotline forwards calls from 7:00
        to 21:00, everything else comes in office hours."""
        low, high = (7.0, 21.0) if channel == CaseChannel.HOTLINE else (8.0, 17.5)
        day = self.today - datetime.timedelta(days=days_ago)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) + datetime.timedelta(
            hours=self.rng.uniform(low, high)
        )
        while at > self.horizon:
            at -= datetime.timedelta(days=1)
        return at

    def spread_plans(self):
        plans = []
        # The departments take turns, so each has its share of every way a referral goes, and one
        # of the cases still with a department (stalled or stopped at dispatch) to act on.
        turns = {True: 0, False: 0}
        kinds_by_scenario = {
            "rejected": REJECTED_KINDS,
            "fresh": GRID_KINDS + COMMUNITY_KINDS + DEPARTMENT_KINDS,
            "grid_rework": [k for k in GRID_KINDS if k.redo],
            "reopened": [k for k in GRID_KINDS if k.redo and k.complainant != "none"],
            "stalled_handling": [k for k in GRID_KINDS if k.agreement],
            "withdrawn": [k for k in GRID_KINDS if k.agreement],
            "unable": [k for k in GRID_KINDS if k.agreement and k.category == "漏水渗水"],
            "community_mediation": [k for k in COMMUNITY_KINDS if k.agreement],
            "dispatch_rework": [k for k in DEPARTMENT_KINDS if k.redo],
        }
        department_order = (DepartmentKind.POLICE, DepartmentKind.CONSTRUCTION, DepartmentKind.AGRICULTURE)
        for name, count in CASE_SCENARIOS:
            scenario, _, stop_after = name.partition("@")
            if scenario == "duplicate":
                continue
            for _ in range(count):
                if scenario in kinds_by_scenario:
                    kinds = kinds_by_scenario[scenario]
                elif scenario in REFERRED_SCENARIOS:
                    still_there = scenario == "stalled_dispatch" or stop_after == "dispatch"
                    department = department_order[turns[still_there] % len(department_order)]
                    turns[still_there] += 1
                    kinds = [k for k in DEPARTMENT_KINDS if k.department == department]
                    if scenario == "dispatch_rework":
                        kinds = [k for k in kinds if k.redo] or kinds
                elif scenario in COMMUNITY_SCENARIOS:
                    kinds = COMMUNITY_KINDS
                else:
                    kinds = GRID_KINDS
                plans.append(self.plan(scenario, self.deal(kinds), len(plans), stop_after=stop_after))
        # A second report of something already reported about a building or a road.
        public = [p for p in plans if p.kind.place in ("road", "building") and p.scenario not in ("rejected", "fresh")]
        public = [p for p in public if p.when + datetime.timedelta(days=5) < self.horizon]
        for _ in range(dict(CASE_SCENARIOS)["duplicate"]):
            original = self.pick(public)
            plan = self.plan("duplicate", original.kind, len(plans), original=original)
            plans.append(plan)
        return plans

    def plan(self, scenario, kind, index, original=None, stop_after=""):
        rng = self.rng
        plan = CasePlan(when=None, scenario=scenario, seed=f"{CASES_SEED}:{index}", kind=kind, stop_after=stop_after)
        if original is not None:
            plan.grid = original.grid
        else:
            plan.grid = self.grid1 if rng.random() < GRID_SHARE else self.grid2
        worker = self.workers[plan.grid.pk]
        plan.priority = self.pick(kind.priorities)
        plan.department = kind.department

        # Who reports it, how, and when.
        roll = rng.random()
        if scenario == "rejected":
            plan.reporter, plan.channel = self.staff, CaseChannel.HOTLINE if roll < 0.7 else CaseChannel.PHONE
        elif kind.complainant == "none":
            plan.reporter = worker
            visited = kind.place in ("flat", "building", "shop") and scenario not in ("fresh", "duplicate")
            plan.channel = CaseChannel.VISIT if visited else CaseChannel.PATROL
        elif roll < 0.5:
            plan.reporter = worker
            plan.channel = CaseChannel.WALK_IN if roll < 0.3 else CaseChannel.PHONE
        else:
            plan.reporter = self.staff
            plan.channel = (CaseChannel.PHONE, CaseChannel.HOTLINE, CaseChannel.HOTLINE, CaseChannel.WALK_IN)[
                int(rng.random() * 4)
            ]
        if original is not None:
            days_ago = max((self.today - timezone.localdate(original.when)).days - rng.uniform(1, 4), 0)
        elif scenario == "fresh":
            days_ago = 0
        elif stop_after:
            days_ago = rng.uniform(*STOP_AGES[stop_after])
        elif scenario.startswith("stalled"):
            days_ago = rng.uniform(8, 30)
        elif scenario == "reopened":
            days_ago = rng.uniform(35, 75)
        elif scenario in LONG_SCENARIOS:
            days_ago = rng.uniform(20, CASE_HISTORY_DAYS - 5)
        else:
            days_ago = CASE_HISTORY_DAYS * rng.random() ** 1.25
            if plan.channel == CaseChannel.VISIT:  # within the visit history
                days_ago = days_ago * (HISTORY_DAYS - 1) / CASE_HISTORY_DAYS + 1
        if scenario == "fresh":
            plan.when = self.horizon - datetime.timedelta(hours=rng.uniform(0.5, 6))
        else:
            plan.when = self.intake_time(int(days_ago), plan.channel)

        # Where, and who complains.
        places = self.places[plan.grid.pk]
        if original is not None:
            plan.duplicate_of = original
            plan.households, plan.shops, plan.building = original.households, original.shops, original.building
            plan.place_label, plan.other_label = original.place_label, original.other_label
        else:
            plan.place_label, plan.other_label = self.place(plan, places)
        if plan.channel == CaseChannel.VISIT and not self.found_on_visit(plan, worker):
            plan.channel = CaseChannel.PATROL
        plan.title = self.text(plan, kind.title)
        plan.description = self.text(plan, kind.description)
        self.complain(plan, places)
        if scenario == "dispatch_return":
            others = [d for d in self.members if d != kind.department]
            plan.wrong_department = self.pick(others)
        return plan

    def place(self, plan, places):
        """Choose the place of ``plan``; return (label, the other flat's label)."""
        kind = plan.kind
        if kind.place == "pair":
            lower = self.fresh(places["pair"])
            upper = places["above"][lower.pk]
            plan.households = [lower, upper]
            return lower.address, f"{upper.unit}单元{upper.room}室" if upper.unit else upper.address
        if kind.place == "rented":  # a flat let without telling anyone, if the rented ones have had a case
            plan.households = [self.fresh(places["rented"], places["flat"])]
            return plan.households[0].address, ""
        if kind.place in ("flat", "house"):
            plan.households = [self.fresh(places[kind.place])]
            return plan.households[0].address, ""
        if kind.place == "building":
            plan.building = self.fresh(places["building"])
            return str(plan.building), ""
        if kind.place in ("shop", "food_shop", "night_shop"):
            plan.shops = [self.fresh(places[kind.place])]
            return f"{plan.shops[0].address}{plan.shops[0].name}", ""
        # A stretch of road: by a shop or a house of the grid.
        spot = self.fresh(places["shop"] + places["house"])
        road, number = _address_number(spot.address)
        return f"{road}{number}号附近", ""

    @staticmethod
    def text(plan, template):
        return template.format(place=plan.place_label, other=plan.other_label)

    def found_on_visit(self, plan, worker):
        """Raise the case on the worker's visit nearest its time (within days, before today) to
        the kind of place it is about; False if there is none."""
        kind = plan.kind
        start_of_today = timezone.make_aware(datetime.datetime.combine(self.today, datetime.time.min))
        visits = Visit.objects.filter(worker=worker, visited_at__lt=start_of_today).select_related(
            "household__building", "shop"
        )
        if kind.place == "shop":
            visits = visits.filter(shop__isnull=False)
        else:  # a flat, or the building of one
            visits = visits.filter(household__building__isnull=False)
        window = datetime.timedelta(days=3)
        candidates = [
            v
            for v in visits.filter(visited_at__gte=plan.when - window, visited_at__lte=plan.when + window).order_by(
                "visited_at", "pk"
            )
            if v.pk not in self.used_visits
        ]
        if not candidates:
            return False
        visit = min(candidates, key=lambda v: abs(v.visited_at - plan.when))
        self.used_visits.add(visit.pk)
        plan.visit = visit
        plan.when = visit.visited_at + datetime.timedelta(minutes=self.rng.uniform(3, 15))
        plan.households, plan.shops, plan.building = [], [], None
        if kind.place == "shop":
            plan.shops = [visit.shop]
            plan.place_label = f"{visit.shop.address}{visit.shop.name}"
        elif kind.place == "building":
            plan.building = visit.household.building
            plan.place_label = str(plan.building)
        else:
            plan.households = [visit.household]
            plan.place_label = visit.household.address
        return True

    def complain(self, plan, places):
        """The complainant: someone of the household, a neighbour, a caller's name, anonymous."""
        rng = self.rng
        kind = plan.kind
        if kind.complainant == "none":
            return
        roll = rng.random()
        if plan.channel == CaseChannel.HOTLINE:
            # 12345 forwards a name and a number; a third of the callers stay anonymous.
            if roll < 0.35 and plan.scenario != "reopened":
                plan.anonymous = True
            else:
                plan.complainant_name = rng.choice(LOCAL_SURNAMES) + ("先生" if rng.random() < 0.5 else "女士")
                plan.complainant_phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            return
        if kind.complainant == "place" and plan.households:
            plan.complainant = self.adult(plan.households[0], self.today)
            return
        if plan.households and plan.households[0].building_id:
            neighbour = self.household_in(plan.grid, building=plan.households[0].building, exclude=plan.households)
        elif plan.building is not None:
            neighbour = self.household_in(plan.grid, building=plan.building)
        else:
            road = _address_number(plan.shops[0].address if plan.shops else plan.place_label)[0]
            neighbour = self.household_in(plan.grid, road=road, exclude=plan.households)
        plan.complainant = self.adult(neighbour, self.today)
        if roll < 0.15 and kind.category in ("噪音与动物扰民", "疑似违法行为") and plan.scenario != "reopened":
            plan.complainant, plan.anonymous = None, True

    def story_plans(self):
        grid1 = self.grid1
        wu = self.workers[grid1.pk]
        households = {h.address: h for h in self.all_households(grid1)}

        def at(days_ago, hour, minute):
            day = self.today - datetime.timedelta(days=days_ago)
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

        def flat(place):
            road, number, unit, room = place
            return households[f"{road}{number}幢{unit}单元{room}室"]

        below, above = flat(LEAK_BELOW), flat(LEAK_ABOVE)
        leak = CasePlan(
            when=at(LEAK_DAYS_AGO, 9, 20),
            scenario="story_3",
            seed=f"{CASES_SEED}:story_3",
            grid=grid1,
            reporter=wu,
            channel=CaseChannel.WALK_IN,
            title=LEAK_TITLE,
            description=LEAK_DESCRIPTION,
            households=[below, above],
            building=below.building,
            complainant=next(r for r in below.residents.all() if r.name == "陈国平"),
        )
        leak.kind = CaseKind(
            "邻里纠纷", "pair", LEAK_TITLE, LEAK_DESCRIPTION, LEAK_SETTLE_NOTE, agreement=LEAK_AGREEMENT
        )
        leak.place_label, leak.other_label = below.address, "401室"

        bungalow, neighbour = households[PETS_BUNGALOW], households[PETS_NEIGHBOUR]
        pets = CasePlan(
            when=at(PETS_DAYS_AGO, 9, 40),
            scenario="story_4",
            seed=f"{CASES_SEED}:story_4",
            grid=grid1,
            reporter=wu,
            channel=CaseChannel.PHONE,
            title=PETS_TITLE,
            description=PETS_DESCRIPTION,
            households=[bungalow, neighbour],
            complainant=self.adult(neighbour, self.today),
            department=DepartmentKind.POLICE,
        )
        pets.kind = CaseKind("噪音与动物扰民", "house", PETS_TITLE, PETS_DESCRIPTION, PETS_RESOLVE_NOTE)

        corridor = Building.objects.get(grid=grid1, road=CORRIDOR_BUILDING[0], number=CORRIDOR_BUILDING[1])
        tenants = sorted(
            (h for h in households.values() if h.building_id == corridor.pk and h.tenure == Tenure.RENTED),
            key=lambda h: (h.room[:1], h.unit, h.room),  # the ground floor first
        )
        story5 = CasePlan(
            when=at(CORRIDOR_DAYS_AGO, 10, 15),
            scenario="story_5",
            seed=f"{CASES_SEED}:story_5",
            grid=grid1,
            reporter=wu,
            channel=CaseChannel.PHONE,
            title=CORRIDOR_TITLE,
            description=CORRIDOR_DESCRIPTION,
            households=[tenants[0]],
            building=corridor,
            complainant=self.adult(tenants[0], self.today),
            department=DepartmentKind.CONSTRUCTION,
        )
        story5.kind = CaseKind("漏水渗水", "building", CORRIDOR_TITLE, CORRIDOR_DESCRIPTION, CORRIDOR_RESOLVE_NOTE)
        return [leak, pets, story5]

    @staticmethod
    def all_households(grid):
        return Household.objects.filter(grid=grid).select_related("building").prefetch_related("residents")

    # --- taking a case through its life ----------------------------------------------------

    def later(self, run, hours, by):
        """The time of the next step, ``hours`` (low, high) after the last: in office hours, and
        on a weekday unless ``by`` is a grid worker. Raises _NotYet if that is after now."""
        rng = run.rng
        at = timezone.localtime(run.at + datetime.timedelta(hours=rng.uniform(*hours)))
        opens, closes = OFFICE_HOURS
        if not opens <= at.time() <= closes:
            next_day = at.time() > closes
            at = at.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
            at += datetime.timedelta(days=int(next_day), minutes=rng.uniform(0, 90))
        last_weekday = 5 if by.pk in self.worker_ids else 4  # workers are out on Saturdays too
        while at.weekday() > last_weekday:
            at += datetime.timedelta(days=1)
        if at > self.horizon:
            raise _NotYet
        return at

    @property
    def worker_ids(self):
        return {w.pk for w in self.workers.values()}

    @staticmethod
    def happened(run, when):
        """Note when the step just taken happened."""
        run.at = when
        run.times.append(when)

    def report(self, run):
        plan = run.plan
        run.case = case_report(
            by=plan.reporter,
            grid=plan.grid,
            title=plan.title[:100],
            description=plan.description,
            category=self.categories[plan.kind.category],
            priority=plan.priority,
            channel=plan.channel,
            households=plan.households,
            shops=plan.shops,
            building=plan.building,
            complainant=plan.complainant,
            complainant_name=plan.complainant_name,
            complainant_phone=plan.complainant_phone,
            anonymous=plan.anonymous,
            visit=plan.visit,
        )
        plan.case = run.case
        # The intake goes back to its time at once: the deadline counts from it, and an
        # extension's timeline note quotes the deadline it moves.
        case = run.case
        shift = plan.when - case.reported_at
        Case.objects.filter(pk=case.pk).update(reported_at=plan.when, due_at=F("due_at") + shift)
        Case.history.filter(id=case.pk).update(
            history_date=plan.when,
            reported_at=plan.when,
            due_at=F("due_at") + shift,
            history_change_reason=CHANGE_REASON,
        )
        case.refresh_from_db(fields=["reported_at", "due_at"])
        self.happened(run, plan.when)

    def act(self, run, action, by, hours, **change):
        when = self.later(run, hours, by)
        perform(case=run.case, action_name=action, by=by, version=run.case.version, change=Change(**change))
        if action == "reopen":  # the fresh deadline counts from the reopening, not from today
            case = run.case
            case.due_at = default_due_at(case.category, case.priority, when)
            Case.objects.filter(pk=case.pk).update(due_at=case.due_at)
        self.happened(run, when)
        if action == run.plan.stop_after:
            raise _NotYet

    def extend(self, run, by, hours, days, note):
        """Ask for more time: until the end of office hours ``days`` (low, high) on."""
        when = self.later(run, hours, by)
        day = timezone.localdate(when) + datetime.timedelta(days=run.rng.randint(*days))
        due_at = timezone.make_aware(datetime.datetime.combine(day, OFFICE_HOURS[1]))
        perform(
            case=run.case,
            action_name="extend",
            by=by,
            version=run.case.version,
            change=Change(note=note, due_at=due_at),
        )
        self.happened(run, when)

    def assign(self, run, assignee, by, hours):
        when = self.later(run, hours, by)
        case_assign(cases=[run.case], assignee=assignee, by=by)
        self.happened(run, when)

    def mediate(self, run, by, hours, mediators, outcome, agreement, other_mediators=""):
        when = self.later(run, hours, by)
        parties = [r for r in (self.adult(h, self.today) for h in run.plan.households) if r is not None]
        spouses = [
            r
            for h in run.plan.households
            for r in h.residents.all()
            if r.relation_to_head == "配偶" and r.archived_at is None
        ]
        record = record_mediation(
            case=run.case,
            by=by,
            held_on=timezone.localdate(when),
            parties=parties + spouses,
            other_parties="",
            mediators=mediators,
            other_mediators=other_mediators,
            outcome=outcome,
            agreement=agreement,
        )
        run.mediations.append((record, when))
        self.happened(run, when)

    def follow_up(self, run, record, by, hours, kept):
        """Whether a mediation agreement held when the worker went back."""
        when = self.later(run, hours, by)
        record_mediation_follow_up(record=record, by=by, kept=kept, followed_up_on=timezone.localdate(when))
        run.followed_up.add(record.pk)
        self.happened(run, when)

    def feedback(self, run, by, hours, unhappy=False, satisfaction=None, note=None):
        """The complainant's view, if there is a complainant to ask."""
        if not run.plan.has_complainant:
            return
        if satisfaction is None:
            roll = run.rng.random()
            satisfied, basically = (0.3, 0.75) if unhappy else (0.7, 0.92)
            satisfaction = (
                Satisfaction.SATISFIED
                if roll < satisfied
                else Satisfaction.BASICALLY
                if roll < basically
                else Satisfaction.UNSATISFIED
            )
        note = note or self.pick(FEEDBACK_NOTES[satisfaction], run.rng)
        self.act(run, "feedback", by, hours, satisfaction=satisfaction, note=note)

    def verify(self, run, verifier):
        notes = VERIFY_NOTES if run.plan.has_complainant else VERIFY_NOTES_FOUND
        self.act(run, "verify", verifier, (3, 48), note=self.pick(notes, run.rng))

    def verify_and_close(self, run, verifier, closer, unhappy=False):
        worker = self.workers[run.plan.grid.pk]
        self.verify(run, verifier)
        self.act(run, "close", closer, (0.1, 20))
        self.feedback(run, worker, (2, 72), unhappy=unhappy)

    # --- the plays -----------------------------------------------------------------------------

    def play(self, plan):
        run = CaseRun(plan, random.Random(plan.seed))
        self.report(run)
        with contextlib.suppress(_NotYet):  # the case stays where it has got to by now
            getattr(self, f"play_{plan.scenario}", self.play_spread)(run)
            # A week or two on, the worker looks in on the parties of an agreement: mostly kept.
            worker = self.workers[plan.grid.pk]
            for record, _ in run.mediations:
                if record.outcome == MediationOutcome.AGREED and record.pk not in run.followed_up:
                    self.follow_up(run, record, worker, (5 * 24, 14 * 24), kept=run.rng.random() < 0.9)
        self.backdate(run)

    def play_story_3(self, run):
        """The neighbours' leak: settled by Wu and Old Li in half an hour, feedback a week on."""
        wu = run.plan.reporter
        self.act(run, "register", wu, (0.03, 0.06))
        self.act(run, "take", wu, (0.05, 0.1), note=LEAK_TAKE_NOTE)
        self.mediate(run, wu, (0.4, 0.5), [wu, self.li], MediationOutcome.AGREED, LEAK_AGREEMENT)
        self.act(run, "settle", wu, (0.05, 0.1), note=LEAK_SETTLE_NOTE, close_reason=CloseReason.FIXED)
        self.feedback(run, wu, (7 * 24, 7 * 24 + 2), satisfaction=Satisfaction.SATISFIED, note=LEAK_FEEDBACK_NOTE)
        (record, _) = run.mediations[0]
        self.follow_up(run, record, wu, (0.05, 0.1), kept=True)  # the feedback visit checked the agreement too

    def play_story_4(self, run):
        """A dozen cats and dogs: the landlord won't help, the police station's officer finds the
        tenant; closed within a week."""
        wu, police = run.plan.reporter, self.members[DepartmentKind.POLICE]
        self.act(run, "register", wu, (0.1, 0.2))
        self.act(run, "take", wu, (3, 5), note=PETS_TAKE_NOTE)
        self.act(run, "escalate", wu, (18, 22), note=PETS_ESCALATE_NOTE)
        self.act(
            run,
            "dispatch",
            self.staff,
            (0.5, 1),
            department=self.departments[DepartmentKind.POLICE],
            note=PETS_DISPATCH_NOTE,
            public=False,
        )
        self.act(run, "resolve", police, (20, 30), note=PETS_RESOLVE_NOTE)
        self.act(run, "verify", wu, (18, 26), note=PETS_VERIFY_NOTE)
        self.act(run, "close", wu, (0.1, 0.3))
        self.feedback(run, wu, (1, 4), satisfaction=Satisfaction.SATISFIED)

    def play_story_5(self, run):
        """The corridor leak: escalated, referred to the construction & planning office, a joint
        site visit, a lift truck; resolved at town level."""
        wu, build = run.plan.reporter, self.members[DepartmentKind.CONSTRUCTION]
        self.act(run, "register", wu, (0.2, 0.4))
        self.act(run, "take", wu, (1, 2), note=CORRIDOR_TAKE_NOTE)
        self.act(run, "escalate", wu, (20, 26), note=CORRIDOR_ESCALATE_NOTE)
        self.act(
            run,
            "dispatch",
            self.staff,
            (2, 4),
            department=self.departments[DepartmentKind.CONSTRUCTION],
            note=CORRIDOR_DISPATCH_NOTE,
            public=False,
        )
        self.extend(run, build, (22, 26), (9, 9), CORRIDOR_EXTEND_NOTE)
        self.act(run, "resolve", build, (5 * 24, 6 * 24), note=CORRIDOR_RESOLVE_NOTE)
        self.act(run, "verify", wu, (20, 28), note=CORRIDOR_VERIFY_NOTE)
        self.act(run, "close", self.staff, (1, 3))
        self.feedback(run, wu, (20, 28), satisfaction=Satisfaction.SATISFIED, note=CORRIDOR_FEEDBACK_NOTE)

    def play_spread(self, run):
        plan, kind, rng = run.plan, run.plan.kind, run.rng
        scenario = plan.scenario
        worker, staff = self.workers[plan.grid.pk], self.staff
        if scenario == "fresh":
            return
        if scenario == "rejected":
            self.act(run, "reject", staff, (0.3, 20), note=kind.done)
            return
        registrar = staff if plan.reporter == staff or scenario in REFERRED_SCENARIOS else worker
        if scenario == "escalate_dispatch":
            registrar = worker
        self.act(run, "register", registrar, (0.1, 4))
        if scenario == "duplicate":
            self.act(
                run,
                "settle",
                registrar,
                (0.1, 3),
                note=DUPLICATE_NOTE,
                close_reason=CloseReason.DUPLICATE,
                duplicate_of=plan.duplicate_of.case,
            )
            return
        if scenario in REFERRED_SCENARIOS and scenario != "escalate_dispatch":
            self.play_referred(run)
            return
        if registrar == staff:
            self.assign(run, worker, staff, (0.05, 1))
        self.act(
            run,
            "take",
            worker,
            (0.1, 20),
            note=self.pick(TAKE_NOTES if plan.has_complainant else TAKE_NOTES_FOUND, rng),
        )
        # Old Li, Grid 1's party group leader, joins half of Wu's mediations.
        mediators = [worker, self.li] if plan.grid == self.grid1 and rng.random() < 0.5 else [worker]
        agreement, done = self.text(plan, kind.agreement), self.text(plan, kind.done)
        if scenario in COMMUNITY_SCENARIOS or scenario == "escalate_dispatch":
            if scenario == "community_mediation":
                self.mediate(run, worker, (1, 48), mediators, MediationOutcome.FAILED, FAILED_MEDIATION)
            department = self.departments.get(plan.department)
            note = kind.escalate or ESCALATE_TO_DEPARTMENT.format(department=department.name)
            self.act(run, "escalate", worker, (4, 48), note=note)
            if scenario == "stalled_escalated":
                return
            if scenario == "escalate_dispatch":
                self.play_referred(run)
                return
            if scenario == "community_mediation":
                self.mediate(run, staff, (24, 96), [staff, worker], MediationOutcome.AGREED, agreement)
            self.act(run, "resolve", staff, (24, 120), note=done)
            self.verify_and_close(run, worker, worker if rng.random() < 0.7 else staff)
            return
        # In the grid.
        if kind.agreement and scenario not in ("withdrawn", "unable"):
            partial = scenario == "stalled_handling"
            outcome = MediationOutcome.PARTIAL if partial else MediationOutcome.AGREED
            self.mediate(run, worker, (0.5, 30), mediators, outcome, PARTIAL_MEDIATION if partial else agreement)
        if scenario == "stalled_handling":
            return
        if scenario in ("settle", "withdrawn", "unable"):
            note, reason = {
                "settle": (done, kind.close_reason),
                "withdrawn": (WITHDRAWN_NOTE, CloseReason.WITHDRAWN),
                "unable": (UNABLE_NOTE, CloseReason.UNABLE),
            }[scenario]
            self.act(run, "settle", worker, (0.5, 30), note=note, close_reason=reason)
            if scenario == "unable":
                self.feedback(run, worker, (2, 72), satisfaction=Satisfaction.UNSATISFIED, note=UNABLE_FEEDBACK)
            elif scenario == "settle":
                self.feedback(run, worker, (2, 72))
            return
        self.act(run, "resolve", worker, (2, 72), note=done)
        if scenario == "grid_rework":
            self.act(run, "rework", staff, (6, 48), note=kind.redo)
            self.act(run, "resolve", worker, (12, 72), note=REDONE_NOTE.format(done=done))
        if scenario != "reopened":
            self.verify_and_close(run, staff, staff, unhappy=scenario == "grid_rework")
            return
        self.verify(run, staff)
        self.act(run, "close", staff, (0.1, 20))
        self.feedback(run, worker, (48, 120), satisfaction=Satisfaction.UNSATISFIED)
        for record, _ in run.mediations:  # the complainant came back because the agreement was not kept
            self.follow_up(run, record, worker, (0.1, 1), kept=False)
        self.act(run, "reopen", staff, (2, 48), note=REOPEN_NOTE.format(redo=kind.redo))
        self.act(run, "take", worker, (0.5, 24))
        self.extend(run, worker, (1, 24), (5, 10), WORKER_EXTEND_NOTE)
        self.act(run, "resolve", worker, (48, 120), note=REDONE_NOTE.format(done=done))
        self.verify(run, staff)
        self.act(run, "close", staff, (0.1, 20))
        self.feedback(run, worker, (2, 72), satisfaction=Satisfaction.BASICALLY)

    def play_referred(self, run):
        """From registered or escalated: referred by staff, handled by the department."""
        plan, kind, rng = run.plan, run.plan.kind, run.rng
        scenario = plan.scenario
        worker, staff = self.workers[plan.grid.pk], self.staff
        department, member = self.departments[plan.department], self.members[plan.department]
        first = self.departments[plan.wrong_department] if plan.wrong_department else department
        self.act(
            run,
            "dispatch",
            staff,
            (0.5, 24),
            department=first,
            note=DISPATCH_NOTE.format(department=first.name),
            public=False,
        )
        if scenario == "stalled_dispatch":
            return
        if plan.wrong_department:
            wrong_member = self.members[plan.wrong_department]
            self.act(run, "return", wrong_member, (4, 48), note=RETURN_NOTE.format(department=department.name))
            self.act(
                run,
                "dispatch",
                staff,
                (1, 24),
                department=department,
                note=DISPATCH_NOTE.format(department=department.name),
                public=False,
            )
        if scenario == "dispatch_extend":
            self.extend(run, member, (24, 72), (7, 14), EXTEND_NOTES[plan.department])
        self.act(run, "resolve", member, (24, 150), note=kind.done)
        if scenario == "dispatch_rework":
            self.act(run, "rework", worker, (12, 48), note=kind.redo)
            self.act(run, "resolve", member, (24, 120), note=REDONE_NOTE.format(done=kind.done))
        self.verify_and_close(
            run, worker, worker if rng.random() < 0.7 else staff, unhappy=scenario == "dispatch_rework"
        )

    # --- afterwards ------------------------------------------------------------------------------

    def backdate(self, run):
        """Move the case's timeline, stamps, mediation records and notifications back to when
        each step happened. A stamp the services wrote equals the ``created_at`` of the timeline
        entry they wrote with it, which is how each is matched to its step."""
        case = run.case
        events = list(case.events.order_by("pk").values_list("pk", "created_at"))
        if len(events) != len(run.times):
            raise RuntimeError(f"{case.number}: {len(events)} timeline entries for {len(run.times)} steps")
        CaseEvent.objects.filter(case=case).update(
            created_at=SqlCase(
                *(When(pk=pk, then=Value(when)) for (pk, _), when in zip(events, run.times, strict=True))
            )
        )
        step_time = {created: when for (_, created), when in zip(events, run.times, strict=True)}
        case.refresh_from_db()
        stamps = {}
        for name in (
            "registered_at",
            "escalated_at",
            "dispatched_at",
            "resolved_at",
            "verified_at",
            "closed_at",
            "feedback_at",
        ):
            value = getattr(case, name)
            if value is None:
                continue
            if value not in step_time:
                raise RuntimeError(f"{case.number}: {name} matches no timeline entry; cases.services changed?")
            stamps[name] = step_time[value]
        if stamps:
            Case.objects.filter(pk=case.pk).update(**stamps)
        for record, when in run.mediations:
            MediationRecord.objects.filter(pk=record.pk).update(created_at=when)
        # A step's notifications were sent after its timeline entry was written, and before the
        # next step's: each goes back to the time of the last entry written before it.
        real_times = [created for _, created in events]
        sent = {}
        for pk, created in Notification.objects.filter(pk__gt=self.last_notification).values_list("pk", "created_at"):
            step = max(bisect.bisect_right(real_times, created) - 1, 0)
            sent.setdefault(run.times[step], []).append(pk)
            self.last_notification = max(self.last_notification, pk)
        for when, ids in sent.items():
            Notification.objects.filter(pk__in=ids).update(created_at=when)

    def flag_overdue(self):
        """Run the overdue sweep as it would have run: at the first quarter-hour after each
        open case fell due."""
        open_cases = Case.objects.filter(
            community=self.community, state__in=OPEN_STATES, due_at__lt=self.horizon, overdue_flagged_at__isnull=True
        )
        swept_until = None
        for due_at in open_cases.order_by("due_at").values_list("due_at", flat=True):
            if swept_until is not None and due_at < swept_until:
                continue
            local = timezone.localtime(due_at).replace(second=0, microsecond=0)
            sweep = local + datetime.timedelta(minutes=SWEEP_MINUTES - local.minute % SWEEP_MINUTES)
            if sweep > self.horizon:
                break
            flag_overdue(now=sweep)
            swept_until = sweep
            new = list(Notification.objects.filter(pk__gt=self.last_notification).values_list("pk", flat=True))
            if new:
                self.last_notification = max(new)
                Notification.objects.filter(pk__in=new).update(created_at=sweep)

    def renumber(self):
        """Give each case the number of the year it was reported in, in the order reported (the
        services number by the year of ``now``, which is another year for a case moved back
        across New Year)."""
        cases = Case.objects.filter(community=self.community).order_by("reported_at", "pk")
        last = {}
        for pk, number, reported_at in cases.values_list("pk", "number", "reported_at"):
            year = timezone.localtime(reported_at).year
            last[year] = last.get(year, 0) + 1
            wanted = f"{self.community.code}-{year}-{last[year]:06d}"
            if number != wanted:
                Case.objects.filter(pk=pk).update(number=wanted)
                Case.history.filter(id=pk).update(number=wanted)
        for year, count in last.items():
            # A year's counter never goes back: a gap in the numbers is harmless, a reused number is not.
            counter, _ = CaseCounter.objects.get_or_create(community=self.community, year=year)
            if counter.last < count:
                CaseCounter.objects.filter(pk=counter.pk).update(last=count)

    def settle_notifications(self):
        """The notifications of the past were delivered and, but for the last days', read. Their
        e-mails count as sent then, so the worker does not send three months of them at once."""
        notifications = Notification.objects.filter(pk__gt=self.first_notification)
        notifications.filter(created_at__lt=self.horizon - READ_AFTER).update(
            read_at=F("created_at") + datetime.timedelta(hours=1)
        )
        created_at = Subquery(Notification.objects.filter(pk=OuterRef("notification_id")).values("created_at")[:1])
        Delivery.objects.filter(notification__in=notifications).update(
            created_at=created_at, sent_at=created_at, status=DeliveryStatus.SENT, attempts=1
        )

    def build(self):
        plans = self.story_plans() + self.spread_plans()
        plans.sort(key=lambda p: p.when)
        for plan in plans:
            self.play(plan)
        self.flag_overdue()
        self.renumber()
        self.settle_notifications()


def ensure_departments(community):
    """Create the town's departments if missing; return them by kind."""
    departments = {}
    for name, kind in DEPARTMENTS:
        departments[kind], _ = Department.objects.get_or_create(town=community.town, name=name, defaults={"kind": kind})
    return departments


def ensure_accounts(community, *, reset_passwords=False, departments=None):
    """Create the demo users, their roles and department memberships if missing; return rows
    for the summary table.

    A password is set when the user is created (or on request), so a re-run does not undo a
    changed password.
    """
    departments = departments or {}
    # Hashed once for all: the password is published anyway, and each hash takes half a second.
    hashed = None
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
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
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
        if account.department:
            department = departments.get(account.department)
            if department is None:
                note = "department missing: not a member"
            else:
                department.members.add(user)
        # Chinese order: family name first.
        rows.append((account.username, f"{user.last_name}{user.first_name}", account.label, password_set, note))
    return rows


def seed(*, reset_passwords=False, today=None):
    """Build the demo world and its visit history unless Dongluchi already exists; always
    ensure the departments and the accounts; add the case history if Dongluchi has no cases
    yet (so a database seeded before cases existed gets them on the next run).

    Returns (created, community, account rows, whether cases were added).
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
        departments = ensure_departments(community)
        rows = ensure_accounts(community, reset_passwords=reset_passwords, departments=departments)
        if created:
            VisitHistoryBuilder(community, today, now).build()
            assign_care_levels(community, today)
        cases_added = not Case.objects.filter(community=community).exists()
        if cases_added:
            # The services write translated notes ("Assigned to …") into the timeline.
            with translation.override(settings.LANGUAGE_CODE):
                CaseHistoryBuilder(community, departments, today, now).build()
    return created, community, rows, cases_added


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
