"""What the last weeks of rounds are made of: cadences, the campaign of story 2, Ren Aixiang's
ventilator (story 1), and what a grid worker writes after a knock on the door."""

import datetime
from dataclasses import dataclass, field

from visits.models import Condition, Purpose

from .places import SEED

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
