"""The columns of an import file: their Chinese headers (the template's), the English aliases
accepted too, which are required, and the accepted words for each choice.

A header is matched after trimming and ignoring case, spaces, underscores and a trailing "*"
(the template marks required columns with one).
"""

import re
from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gridapp.models import BusinessType, Household, HouseholdTag, PersonCategory, Resident, Sex, Shop, Tenure


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's (Chinese) header
    aliases: tuple
    help: str  # shown on the template's second sheet
    required: bool = False
    max_length: int | None = None


def _len(model, field):
    return model._meta.get_field(field).max_length


def _road_and_building(model, road_help, building_help):
    """The address columns both kinds of file share: the road (or the whole address), then the
    building number."""
    return (
        Column(
            "road", "地址", ("address", "road", "street"), road_help, required=True, max_length=_len(model, "address")
        ),
        Column(
            "building",
            "幢",
            ("building", "building number", "bldg"),
            building_help,
            max_length=_len(Household, "unit"),
        ),
    )


HOUSEHOLD_COLUMNS = (
    Column(
        "head_name",
        "户主姓名",
        ("head_name", "head", "head of household"),
        _("Name of the head of household; if left out, the resident whose relation is 本人."),
        max_length=_len(Household, "head_name"),
    ),
    *_road_and_building(
        Household,
        _("The road, e.g. 临江路; without a building number, the whole address, e.g. 峙山北路后排平房3号."),
        _("The building number before 幢, e.g. 4. The building is created in the chosen grid if it is new."),
    ),
    Column("unit", "单元", ("unit",), _("Unit, e.g. 2."), max_length=_len(Household, "unit")),
    Column("room", "室", ("room", "flat"), _("Room, e.g. 302."), max_length=_len(Household, "room")),
    Column(
        "phone",
        "联系电话",
        ("phone", "household phone", "telephone"),
        _("The household's phone: a mobile or a landline with its area code."),
        max_length=_len(Household, "phone"),
    ),
    Column("tenure", "居住性质", ("tenure",), _("自住, 租住 or 其他 (owner, rented, other)."), max_length=20),
    Column(
        "tags",
        "户标签",
        ("tags", "household tags"),
        _("Several separated by 、 , ; or /: 空巢, 独居, 低保, 残疾, 重点关爱."),
        max_length=200,
    ),
    Column(
        "name",
        "姓名",
        ("name", "resident", "resident name"),
        _("The resident's name. One row per resident; rows with the same address are one household."),
        required=True,
        max_length=_len(Resident, "name"),
    ),
    Column("sex", "性别", ("sex", "gender"), _("男 or 女 (M or F)."), max_length=10),
    Column(
        "date_of_birth",
        "出生日期",
        ("date_of_birth", "birth date", "dob", "birthday"),
        _("e.g. 1940-05-12; may be left empty when the ID number is given."),
        max_length=30,
    ),
    Column(
        "id_number",
        "身份证号",
        ("id_number", "id", "id number", "resident id"),
        _("18 characters; checked. Store it as text in Excel, or its last digits are lost."),
        max_length=_len(Resident, "id_number"),
    ),
    Column("mobile", "手机", ("mobile", "mobile phone", "cell"), _("11 digits."), max_length=_len(Resident, "mobile")),
    Column(
        "relation",
        "与户主关系",
        ("relation", "relation to head", "relationship"),
        _("本人 for the head of household; 配偶, 子女 …"),
        max_length=_len(Resident, "relation_to_head"),
    ),
    Column(
        "categories",
        "人员类别",
        ("categories", "category", "person categories"),
        _("Several separated by 、 , ; or /, e.g. 独居老人、依赖医疗设备."),
        max_length=200,
    ),
    Column(
        "health_notes",
        "健康备注",
        ("health_notes", "health notes", "health"),
        _("What a visitor must know, e.g. 依赖家用呼吸机."),
        max_length=2000,
    ),
    Column(
        "emergency_contact",
        "紧急联系人",
        ("emergency_contact", "emergency contact"),
        "",
        max_length=_len(Resident, "emergency_contact_name"),
    ),
    Column(
        "emergency_phone",
        "紧急联系电话",
        ("emergency_phone", "emergency contact phone", "emergency contact's phone"),
        "",
        max_length=_len(Resident, "emergency_contact_phone"),
    ),
)

SHOP_COLUMNS = (
    Column(
        "name",
        "店名",
        ("name", "shop", "shop name"),
        _("The shop's name."),
        required=True,
        max_length=_len(Shop, "name"),
    ),
    *_road_and_building(
        Shop,
        _("The road, or the whole address, e.g. 临江路8号."),
        _("The building number, if the shop is in a building of the register."),
    ),
    Column(
        "room",
        "门牌",
        ("room", "door", "number"),
        _("Door or room number, e.g. 101."),
        max_length=_len(Household, "room"),
    ),
    Column(
        "business_type",
        "经营类别",
        ("business_type", "business type", "type"),
        _("零售, 餐饮, 服务, 维修, 仓储 or 其他."),
        max_length=30,
    ),
    Column("street_front", "沿街", ("street_front", "street-front", "street front"), _("是 or 否."), max_length=10),
    Column(
        "operator",
        "经营者",
        ("operator", "owner", "operator_name", "owner / operator"),
        "",
        max_length=_len(Shop, "operator_name"),
    ),
    Column("phone", "联系电话", ("phone", "telephone"), "", max_length=_len(Shop, "phone")),
    Column(
        "licence",
        "营业执照号",
        ("licence", "license", "licence_number", "licence number"),
        "",
        max_length=_len(Shop, "licence_number"),
    ),
    Column("notes", "备注", ("notes",), "", max_length=2000),
)

COLUMNS = {"households": HOUSEHOLD_COLUMNS, "shops": SHOP_COLUMNS}

LIST_SEPARATORS = re.compile(r"[、,，;；/]+")

# The template's example row starts with this; a row with a cell that starts with it is never
# imported (``cells.read_file``), so a template uploaded as downloaded changes nothing.
SAMPLE_MARK = "【示例】"


def header_key(text):
    return re.sub(r"[\s_]+", "", str(text or "")).rstrip("*").lower()


@cache
def header_lookup(kind):
    lookup = {}
    for column in COLUMNS[kind]:
        for name in (column.header, column.key, *column.aliases):
            lookup[header_key(name)] = column
    return lookup


def _choice_words(choices, extra):
    """Every word accepted for a choice: its value, its English and Chinese labels, extra aliases."""
    words = {}
    for value, label in choices.choices:
        words[value.lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words[str(label).strip().lower()] = value
    for value, aliases in extra.items():
        for alias in aliases:
            words[alias.lower()] = value
    return words


@cache
def choice_words():
    return {
        "sex": _choice_words(Sex, {"M": ("男", "male", "m", "男性"), "F": ("女", "female", "f", "女性")}),
        "tenure": _choice_words(
            Tenure, {"owner": ("自住", "自有", "自购"), "rented": ("租住", "租赁", "出租", "租房")}
        ),
        "tags": _choice_words(
            HouseholdTag,
            {
                "empty_nest": ("空巢",),
                "living_alone": ("独居",),
                "low_income": ("低保", "低收入"),
                "key_care": ("重点关爱",),
            },
        ),
        "categories": _choice_words(
            PersonCategory,
            {
                "elderly_alone": ("独居",),
                "empty_nest": ("空巢",),
                "disabled": ("残疾", "残疾人"),
                "medical_equipment": ("依赖医疗设备",),
                "tenant": ("租户", "流动人口"),
                "party_member": ("党员",),
                "low_income": ("低保", "低收入"),
                "veteran": ("退役军人",),
            },
        ),
        "business_type": _choice_words(
            BusinessType,
            {"retail": ("零售",), "food": ("餐饮",), "service": ("服务",), "repair": ("维修",), "warehouse": ("仓储",)},
        ),
        "street_front": dict.fromkeys(("是", "y", "yes", "true", "1", "沿街"), True)
        | dict.fromkeys(("否", "n", "no", "false", "0"), False),
    }


HEAD_RELATIONS = {"本人", "户主", "self", "head"}
