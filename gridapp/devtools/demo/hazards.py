"""The community's service facilities (``FACILITIES``) and a dozen hazards of Dongluchi's two
grids in every state, recorded and rechecked through ``visits.hazards.services`` as Wu and
Chen would have over the last weeks: among them the electric bike charging in the stairwell of
峙山北路4幢, rechecked and due again today, and before a typhoon the loose balcony rail and the
blocked roof gutter of the same building."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from cases.models import OPEN_STATES, Case
from gridapp.core.history import update_with_history
from gridapp.models import Building, Shop
from visits.facility_models import Facility, FacilityKind
from visits.hazard_models import Hazard, HazardKind
from visits.hazards import services


@dataclass
class Plan:
    grid: int  # the grid's number
    building: tuple | None  # (road, number)
    place: str
    kind: str  # the kind's code (visits migration 0008)
    risk: str
    description: str
    found_days_ago: int
    rechecks: list = field(default_factory=list)  # (days ago, result, note)
    close: str = ""  # closed without rectification, why
    escalate: bool = False  # the hazard behind an open case
    shop: bool = False  # at the grid's first street-front shop


PLANS = [
    Plan(1, ("峙山北路", "4"), "2单元一楼楼道", "ebike", "high",
         "楼道内停放电动车并拉线充电，堵塞疏散通道，夜间无人看管。", 6,
         [(3, "not_yet", "车主答应改到车棚充电，但车仍停在楼道。")]),
    Plan(1, ("峙山北路", "4"), "3楼东侧阳台", "structure", "medium",
         "阳台铁护栏锈蚀松动，台风天有坠落风险；房东不在本地。", 4),
    Plan(1, ("峙山北路", "4"), "屋面排水沟", "flood", "high",
         "屋面排水沟被落叶和碎瓦堵塞，暴雨时雨水倒灌公共过道。", 5),
    Plan(1, ("临江路", "4"), "1单元楼道", "fire", "medium",
         "楼道堆放纸箱和旧家具，堵塞消防通道。", 12,
         [(9, "not_yet", "已通知住户清理。"), (2, "rectified", "杂物已清空，通道畅通。")]),
    Plan(1, None, "店内后厨", "gas", "high", "燃气软管老化开裂，未安装燃气报警器。", 3, shop=True),
    Plan(1, None, "", "fire", "high", "", 2, escalate=True),  # the case history's open safety hazard
    Plan(1, None, "东藩路与横一路路口", "facility", "low", "路灯杆底座松动、轻微倾斜。", 8),
    Plan(1, ("临江路", "6"), "楼下绿化带", "ebike", "low", "从二楼窗口飞线给电动车充电。", 20,
         [(13, "worse", "又多了一根飞线。")], close="车主已搬离，飞线已拆除。"),
    Plan(1, None, "峙山北路后排平房5号门前", "flood", "medium", "地势低洼，雨后积水没过门槛。", 10,
         [(3, "not_yet", "已联系社区准备沙袋，排水沟待疏通。")]),
    Plan(2, None, "东藩路12号楼道", "fire", "low", "楼道灭火器过期。", 25, [(11, "rectified", "物业已更换灭火器。")]),
    Plan(2, None, "东藩路16号外墙", "structure", "high", "外墙瓷砖空鼓脱落，楼下为人行道。", 7,
         [(4, "not_yet", "已拉警戒线，等待维修。")]),
    Plan(2, None, "通二路口公共井盖", "other", "low", "井盖破损，有绊倒风险。", 2),
]  # fmt: skip


class HazardBuilder:
    def __init__(self, community, today, now):
        self.community = community
        self.today = today
        self.now = now
        users = get_user_model().objects.filter(username__in=("wu", "chen"))
        self.workers = {1 if u.username == "wu" else 2: u for u in users}
        self.grids = {g.number: g for g in community.grids.all()}
        self.kinds = {k.code: k for k in HazardKind.objects.all()}

    def build(self):
        if Hazard.objects.filter(grid__community=self.community).exists():
            return 0
        for plan in PLANS:
            self.play(plan)
        return len(PLANS)

    def _ago(self, days):
        return self.now - datetime.timedelta(days=days)

    def play(self, plan):
        grid, worker = self.grids[plan.grid], self.workers[plan.grid]
        if plan.escalate and (case := self.open_safety_case(grid)) is not None:
            # The hazard behind an open "safety hazard" case of the case history, escalated to it.
            shop = case.shops.first()
            plan = Plan(
                plan.grid, None, "" if case.building_id or shop else case.title, plan.kind, plan.risk,
                f"{case.title}。{case.description}"[:4000], max((self.now - case.reported_at).days, 0) + 1,
                escalate=True,
            )  # fmt: skip
            return self.record(plan, grid, worker, building=case.building, shop=shop, case=case)
        if plan.escalate:
            plan = Plan(
                plan.grid, None, "横一路消防栓旁", plan.kind, plan.risk, "消防栓被车辆遮挡。", plan.found_days_ago
            )
        return self.record(plan, grid, worker)

    def open_safety_case(self, grid):
        open_cases = Case.objects.filter(
            grid=grid, state__in=OPEN_STATES, hazard__isnull=True, category__name="安全隐患"
        )
        return open_cases.order_by("-reported_at").first()

    def record(self, plan, grid, worker, *, building=None, shop=None, case=None):
        if plan.building:
            building = Building.objects.filter(grid=grid, road=plan.building[0], number=plan.building[1]).first()
        if plan.shop:
            shop = Shop.objects.filter(grid=grid, street_front=True).order_by("pk").first()
        hazard = services.record_hazard(
            by=worker, grid=grid, kind=self.kinds[plan.kind], risk=plan.risk, description=plan.description,
            building=building or (shop.building if shop else None), shop=shop, place=plan.place,
            responsible_shop=shop, found_at=self._ago(plan.found_days_ago),
            deadline=self.today + datetime.timedelta(days=7) if plan.risk == "high" else None,
        )  # fmt: skip
        for days, result, note in plan.rechecks:
            services.recheck(hazard=hazard, by=worker, result=result, note=note, checked_at=self._ago(days))
        if plan.close:
            services.close(hazard=hazard, by=worker, note=plan.close)
        if case is not None:
            update_with_history(Case.objects.filter(pk=case.pk), by=worker, hazard=hazard)
            services.mark_escalated(hazard=hazard, by=worker)
        return hazard


# (grid, kind code, name, building (road, number) or None, address, contact, phone, hours, condition)
FACILITIES = [
    (1, "canteen", "东麓池社区老年食堂", ("临江路", "6"),
     "临江路6幢一楼", "陈阿姨", "0571-82880001", "11:00–12:30，17:00–18:00", "good"),
    (1, "day_care", "东麓池居家养老日间照料中心", ("临江路", "6"),
     "临江路6幢二楼", "方主任", "0571-82880002", "8:00–17:00", "good"),
    (1, "clinic", "临浦镇社区卫生服务站东麓池点", None,
     "通二路10号", "值班医生", "0571-82880120", "8:00–11:30，13:30–17:00", "good"),
    (1, "hydrant", "峙山北路4幢东侧消防栓", ("峙山北路", "4"),
     "", "", "", "", "broken"),
    (1, "extinguisher", "临江路4幢楼道灭火器点", ("临江路", "4"),
     "", "", "", "", "needs_repair"),
    (1, "aed", "社区服务中心AED", None,
     "东麓池社区服务中心大厅", "社区值班室", "0571-82880000", "全天", "good"),
    (1, "shelter", "东麓池避灾安置点", None,
     "临浦镇中心小学体育馆", "沈丽华", "0571-82880000", "台风预警时开放", "good"),
    (1, "toilet", "横一路公共厕所", None,
     "横一路与东藩路交叉口", "", "", "全天", "good"),
    (2, "activity_room", "第二网格居民活动室", None,
     "东藩路12号一楼", "陈网格员", "", "9:00–20:00", "good"),
]  # fmt: skip


def build_facilities(community):
    """The community's service facilities, unless it has some already."""
    if Facility.objects.filter(grid__community=community).exists():
        return 0
    grids = {g.number: g for g in community.grids.all()}
    kinds = {k.code: k for k in FacilityKind.objects.all()}
    for number, code, name, building, address, contact, phone, hours, condition in FACILITIES:
        grid = grids[number]
        place = Building.objects.filter(grid=grid, road=building[0], number=building[1]).first() if building else None
        Facility.objects.create(
            grid=grid, kind=kinds[code], name=name, building=place, address=address or (str(place) if place else name),
            contact_name=contact, phone=phone, opening_hours=hours, condition=condition,
        )  # fmt: skip
    return len(FACILITIES)
