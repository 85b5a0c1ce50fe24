"""How the case history unfolds: its seed and office hours, the scenarios of the spread of
cases and how many of each, and the notes written at each step."""

import datetime

from cases.models import DepartmentKind, Satisfaction

from .places import SEED

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

# How the spread of cases ends up, and how many of each (see CasePlayer.play_spread).
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
