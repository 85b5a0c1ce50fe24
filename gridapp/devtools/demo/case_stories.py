"""Stories 3, 4 and 5 of DOMAIN.md as cases: the neighbours' leak settled in the grid, a dozen
cats and dogs referred to the police station's officer, and the corridor leak resolved at town
level. Each is planned at a fixed time and played step by step like any other case."""

import datetime

from django.utils import timezone

from cases.models import Channel as CaseChannel
from cases.models import CloseReason, DepartmentKind, MediationOutcome, Satisfaction
from gridapp.models import Building, Household, Tenure

from .case_data import CASES_SEED
from .case_kinds import CaseKind
from .case_plans import CasePlan, adult
from .places import CORRIDOR_BUILDING, LEAK_ABOVE, LEAK_BELOW, PETS_BUNGALOW, PETS_NEIGHBOUR

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
CORRIDOR_SITE_VISIT_NOTE = "参加联合现场查看：过道顶部瓦片下的供水管老化破损，建议更换整段管道，登高车由施工方联系。"
CORRIDOR_AGRI_DONE_NOTE = "已协调村集体同意登高车临时占用楼前场地，本办协办事项已完成。"
CORRIDOR_REPAIR_DONE_NOTE = "登高车已到场，工人掀开瓦片更换了破损管段，瓦片已复位，施工垃圾已清运。"
CORRIDOR_RESOLVE_NOTE = "工人利用登高车掀开瓦片，找出漏水管道，对破损部分进行了更换维修，过道已不再漏水。"
CORRIDOR_VERIFY_NOTE = "雨后到现场查看，过道顶部不再滴水，积水已清理干净。"
CORRIDOR_FEEDBACK_NOTE = "租户表示很满意，感谢社区和镇里各部门。"


def story_plans(cast, today):
    """The three stories' cases, reported by Wu at their times."""
    grid1 = cast.grid1
    wu = cast.workers[grid1.pk]
    households = {
        h.address: h
        for h in Household.objects.filter(grid=grid1).select_related("building").prefetch_related("residents")
    }

    def at(days_ago, hour, minute):
        day = today - datetime.timedelta(days=days_ago)
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
    leak.kind = CaseKind("邻里纠纷", "pair", LEAK_TITLE, LEAK_DESCRIPTION, LEAK_SETTLE_NOTE, agreement=LEAK_AGREEMENT)
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
        complainant=adult(neighbour, today),
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
        complainant=adult(tenants[0], today),
        department=DepartmentKind.CONSTRUCTION,
    )
    story5.kind = CaseKind("漏水渗水", "building", CORRIDOR_TITLE, CORRIDOR_DESCRIPTION, CORRIDOR_RESOLVE_NOTE)
    return [leak, pets, story5]


def play_leak(steps, run):
    """The neighbours' leak: settled by Wu and Old Li in half an hour, feedback a week on."""
    wu = run.plan.reporter
    steps.act(run, "register", wu, (0.03, 0.06))
    steps.act(run, "take", wu, (0.05, 0.1), note=LEAK_TAKE_NOTE)
    steps.mediate(run, wu, (0.4, 0.5), [wu, steps.li], MediationOutcome.AGREED, LEAK_AGREEMENT)
    steps.act(run, "settle", wu, (0.05, 0.1), note=LEAK_SETTLE_NOTE, close_reason=CloseReason.FIXED)
    steps.feedback(run, wu, (7 * 24, 7 * 24 + 2), satisfaction=Satisfaction.SATISFIED, note=LEAK_FEEDBACK_NOTE)
    (record, _) = run.mediations[0]
    steps.follow_up(run, record, wu, (0.05, 0.1), kept=True)  # the feedback visit checked the agreement too


def play_pets(steps, run):
    """A dozen cats and dogs: the landlord won't help, the police station's officer finds the
    tenant; closed within a week."""
    wu, police = run.plan.reporter, steps.members[DepartmentKind.POLICE]
    steps.act(run, "register", wu, (0.1, 0.2))
    steps.act(run, "take", wu, (3, 5), note=PETS_TAKE_NOTE)
    steps.act(run, "escalate", wu, (18, 22), note=PETS_ESCALATE_NOTE)
    steps.act(
        run,
        "dispatch",
        steps.staff,
        (0.5, 1),
        department=steps.departments[DepartmentKind.POLICE],
        note=PETS_DISPATCH_NOTE,
        public=False,
    )
    steps.act(run, "resolve", police, (20, 30), note=PETS_RESOLVE_NOTE)
    steps.act(run, "verify", wu, (18, 26), note=PETS_VERIFY_NOTE)
    steps.act(run, "close", wu, (0.1, 0.3))
    steps.feedback(run, wu, (1, 4), satisfaction=Satisfaction.SATISFIED)


def play_corridor(steps, run):
    """The corridor leak: escalated, referred to the construction & planning office as the lead
    with the agriculture & rural office and the renovation contractor assisting (协办); a joint
    site visit, more time asked and approved, a lift truck; each assisting part marked done,
    then resolved at town level."""
    wu, build = run.plan.reporter, steps.members[DepartmentKind.CONSTRUCTION]
    agri, repair = steps.members[DepartmentKind.AGRICULTURE], steps.members[DepartmentKind.CONTRACTOR]
    agriculture = steps.departments[DepartmentKind.AGRICULTURE]
    contractor = steps.departments[DepartmentKind.CONTRACTOR]
    steps.act(run, "register", wu, (0.2, 0.4))
    steps.act(run, "take", wu, (1, 2), note=CORRIDOR_TAKE_NOTE)
    steps.act(run, "escalate", wu, (20, 26), note=CORRIDOR_ESCALATE_NOTE)
    steps.act(
        run,
        "dispatch",
        steps.staff,
        (2, 4),
        department=steps.departments[DepartmentKind.CONSTRUCTION],
        assisting=[agriculture, contractor],
        note=CORRIDOR_DISPATCH_NOTE,
        public=False,
    )
    steps.act(run, "add_note", agri, (20, 24), note=CORRIDOR_SITE_VISIT_NOTE)
    steps.extend(run, build, (1, 3), (9, 9), CORRIDOR_EXTEND_NOTE)
    steps.act(run, "assist_done", agri, (24, 30), assist=agriculture, note=CORRIDOR_AGRI_DONE_NOTE)
    steps.act(run, "assist_done", repair, (4 * 24, 5 * 24), assist=contractor, note=CORRIDOR_REPAIR_DONE_NOTE)
    steps.act(run, "resolve", build, (2, 6), note=CORRIDOR_RESOLVE_NOTE)
    steps.act(run, "verify", wu, (20, 28), note=CORRIDOR_VERIFY_NOTE)
    steps.act(run, "close", steps.staff, (1, 3))
    steps.feedback(run, wu, (20, 28), satisfaction=Satisfaction.SATISFIED, note=CORRIDOR_FEEDBACK_NOTE)


STORY_PLAYS = {"story_3": play_leak, "story_4": play_pets, "story_5": play_corridor}
