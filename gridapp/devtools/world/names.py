"""The words a generated world is made of: common surnames and given-name characters, roads,
shops, and what people write on visits and cases."""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂爱香国庆建华志红玉梅林文德福荣金海燕春云飞鹏辉"
ROADS = ("临江路", "峙山北路", "通二路", "东藩路", "新塘路", "浦南大道", "萧山路", "人民路", "解放路", "建设路")
SHOP_WORDS = ("东方", "红星", "老王", "新华", "万家", "阿香", "金牛", "顺发", "兴旺", "惠民")
SHOP_KINDS = (
    ("便利店", "retail"),
    ("五金店", "retail"),
    ("理发店", "service"),
    ("小吃店", "food"),
    ("面馆", "food"),
    ("修车铺", "repair"),
    ("超市", "retail"),
    ("仓库", "warehouse"),
)
VISIT_NOTES = ("", "", "", "身体状况良好", "提醒注意用电安全", "已宣传防诈骗知识", "家中无异常", "血压偏高，嘱按时服药")
FOLLOW_UPS = ("呼吸机维修后回访", "帮助申请低保", "联系物业修理楼道灯", "陪同就医后回访")
CASE_TITLES = (
    "楼上漏水",
    "邻居噪音扰民",
    "楼道堆放杂物",
    "路灯不亮",
    "垃圾未及时清运",
    "电动车楼道充电",
    "饲养犬只扰民",
)
CASE_NOTES = ("已上门查看", "已协调双方", "已联系维修", "问题已处理完毕", "经核实情况属实", "")
DEPARTMENTS = (
    ("派出所", "police"),
    ("建设规划办", "construction"),
    ("农业农村办", "agriculture"),
    ("房屋修缮公司", "contractor"),
)
