"""Who the residents are: names, ID numbers, phones and licences, each unique in the register.

``Identities`` draws them all from the world's one seeded generator, so the same calls in the
same order give the same people.
"""

import datetime

from gridapp.core.validators import id_check_char
from gridapp.models import Sex

from .places import words

# Common surnames around Xiaoshan, repeated roughly by frequency.
LOCAL_SURNAMES = (
    "王王王陈陈陈李李张张沈沈朱朱徐徐俞俞汪孔韩来来楼楼任吴吴周周钱孙杨黄"
    "何施傅傅蔡高金金邵方丁葛倪屠史裘洪项鲍陆赵许曹莫单翁董郑贺潘"
)
MIGRANT_SURNAMES = "刘刘张张王王李李陈杨赵黄周吴徐孙马胡郭何罗梁宋唐谢韩冯邓彭曾田袁"

GIVEN_NAMES = {
    # born before 1960
    ("old", Sex.MALE): words(
        "根富 金福 财根 水根 炳荣 荣华 德明 祖康 关根 土根 金水 永康 长林 福祥 海林 信康 传根 "
        "柏林 洪兴 林祥 宝根 杏林 阿三 志明 国庆 建国 松林 炳生 文祥 桂荣 友根 新民 和尚 顺发"
    ),
    ("old", Sex.FEMALE): words(
        "秀英 桂英 美娟 凤英 月仙 雪芳 杏娟 彩娥 菊英 金花 银娣 爱娟 根娣 兰芳 素珍 玉珍 梅英 "
        "宝娟 春娥 水娟 秀珍 金娥 杏花 美英 月娥 小妹 彩凤 阿香 引娣 菊仙 桂花 秀娥"
    ),
    # born 1960-1979
    ("mid", Sex.MALE): words(
        "建军 国平 建华 伟民 志刚 立新 国锋 建峰 海峰 卫东 红卫 振华 建明 永明 国强 建平 伟 勇 军 强 斌 杰 剑 林峰 晓东"
    ),
    ("mid", Sex.FEMALE): words(
        "丽娟 丽萍 红英 晓红 海燕 美芳 雅琴 丽华 建英 金燕 素芬 月琴 燕 慧 芳 静 琴 萍 红 利娟 亚萍 秋萍"
    ),
    # born 1980-2004
    ("young", Sex.MALE): words("浩 宇航 俊杰 一鸣 佳豪 博文 泽宇 晨 凯 涛 磊 杰 鹏飞 思远 天宇 文斌 志豪 家乐"),
    ("young", Sex.FEMALE): words("佳怡 雨婷 欣怡 诗琪 梦婷 思雨 晓雯 佳琪 婧 倩 莹 怡 丹 露 雪 燕婷 佳 敏"),
    # born 2005 or later
    ("child", Sex.MALE): words("子涵 梓轩 浩然 沐阳 宇轩 俊熙 一航 皓宇 子墨 奕辰"),
    ("child", Sex.FEMALE): words("欣妍 梓萱 一诺 若曦 语桐 可欣 诗涵 雨桐 芷若 梓涵"),
}

# Names the stories give to particular people; random residents never take them.
RESERVED_NAMES = {"任爱香", "吴佳栋", "李烈鸿", "陈晓燕", "沈丽华", "孙志强", "楼建平", "施卫东"}
# Everyone a story names (the above and the people of stories 3 and 4): their households are
# kept out of the routine visits' and the spread of cases' draws.
STORY_NAMES = RESERVED_NAMES | {"陈国平", "王美娟", "张浩", "李雨婷", "刘长春"}

# --- ID numbers -----------------------------------------------------------------------------

# People keep the region code of the county that first issued their number: Xiaoshan County
# (330121) until 1988, Xiaoshan City (330181) until 2001, Xiaoshan District (330109) since.
MIGRANT_REGIONS = ("341221", "341225", "411524", "522427", "362330", "432524", "510922")

MOBILE_PREFIXES = words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 177 180 181 182 183 186 187 "
    "188 189 198 199"
)

# Unified social credit codes (GB 32100) of individual businesses: 92 + region + 9 + check.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17):
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


class Identities:
    """Draws names, dates of birth, ID numbers, phones and licences, none given out twice."""

    def __init__(self, today, rng):
        self.today = today
        self.rng = rng
        self.id_numbers = set()
        self.mobiles = set()
        self.landlines = set()
        self.names = set(RESERVED_NAMES)
        self.licences = set()

    def date_of_birth(self, age):
        """A random day on which someone born is exactly ``age`` today."""
        latest = years_before(self.today, age)
        earliest = years_before(self.today, age + 1) + datetime.timedelta(days=1)
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
