"""The kinds of case the demo draws: what is reported, about which kind of place, and what is
done about it, from those settled in the grid to those referred to the town's departments."""

from dataclasses import dataclass

from cases.models import CloseReason, DepartmentKind, Priority


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
