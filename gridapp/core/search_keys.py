"""The keys the register is found by: what a worker types into the search box, computed from a
name, a place's name or a number when it is written (``gridapp.register.search_index`` stores
them, ``gridapp.register.search`` matches them).

A person is found by their name in characters (任爱香, or its given name 爱香), in full pinyin
(renaixiang) and by its initials (rax), from the first letter on. A surname has the readings
it has as a surname: pypinyin reads 曾 and 单 as céng and dān (as in 曾经, 单独), so every
reading of such a surname gives keys (zengxiaoxian and cengxiaoxian alike); for
the given name the usual reading is kept. A number is found by its last four digits (a phone's,
an ID number's, whose last character may be X).

Everything is folded the same way on both sides (``fold``): full-width letters and digits as
ASCII (what a Chinese keyboard may send), lower case, no spaces, apostrophes or middle dots
(ren'ai'xiang, 阿依古丽·买买提), no invisible characters.
"""

import re
import unicodedata
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin

KEY_LENGTH = 40  # the column's length; a longer name is found by its beginning
DIGITS_MARK = "#"  # last-four keys are marked, so they never match a name that starts with digits
# Two-character surnames: the given name starts after them.
COMPOUND_SURNAMES = frozenset([
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "南宫", "西门", "独孤", "澹台", "呼延",
])  # fmt: skip
# How these characters are read as a surname, where pypinyin's usual reading is another one
# (曾经 céng, 单独 dān, 解决 jiě …): both readings are keys, so either spelling finds the person.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "覃": "qin",
    "繁": "po",
    "种": "chong",
    "重": "chong",
    "缪": "miao",
    "翟": "zhai",
    "秘": "bi",
    "召": "shao",
    "能": "nai",
    "隗": "wei",
    "句": "gou",
    "员": "yun",
    "宿": "su",
    "折": "she",
    "黑": "he",
    "沈": "shen",
    "柏": "bai",
    "薄": "bo",
    "长": "chang",
}
_DROPPED = re.compile(r"[\s'’`·•・.\-_/]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def fold(text):
    """``text`` as keys are stored and queries compared: NFKC, lower case, without separators
    and without control, format or unassigned characters (zero-width spaces, direction marks)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return _DROPPED.sub("", text).lower()


def has_han(text):
    return bool(_HAN.search(text))


@lru_cache(maxsize=8192)  # place names repeat: the common ones stay, an import of new ones costs little memory
def _syllables(text):
    """The usual reading of ``text`` as a phrase (重庆路: chong qing, not zhong), one item per
    character (a run of letters or digits is one item), lower case without tones."""
    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, v_to_u=False) if s)


@cache  # a few thousand characters make nearly every name
def _reading(character):
    return _syllables(character)[0]


def _name_syllables(text):
    """A person's name read character by character: a name is no phrase, and an import of
    100,000 new names reads a few thousand characters rather than 100,000 strings."""
    syllables, run = [], ""
    for character in text:
        if has_han(character):
            syllables += [run] if run else []
            syllables.append(_reading(character))
            run = ""
        else:
            run += character
    return tuple(syllables + ([run] if run else []))


def _surname_readings(surname):
    """The readings of a surname: its reading as a surname, if that is not the usual one, and
    the usual one (a two-character surname has one)."""
    usual = _name_syllables(surname)
    if surname in SURNAME_READINGS:
        return ((SURNAME_READINGS[surname],), usual)
    return (usual,)


def _spelled(syllables):
    """Full pinyin and initials of a reading."""
    return "".join(syllables), "".join(s[0] for s in syllables)


def _bounded(keys):
    return {key[:KEY_LENGTH] for key in keys if key}


def person_keys(name, *, given_name=True):
    """The keys of a person's name: the name, its pinyin and initials, and (``given_name``) the
    given name alone, as neighbours call an old lady (爱香)."""
    text = fold(name)
    if not text:
        return set()
    cut = 2 if text[:2] in COMPOUND_SURNAMES else 1
    surname, given = text[:cut], text[cut:]
    keys = {text, given if given_name else ""}
    rest = _name_syllables(given)
    for reading in _surname_readings(surname):
        keys.update(_spelled((*reading, *rest)))
    return _bounded(keys)


def place_keys(name):
    """The keys of a shop's, a road's or an estate's name: the name and every ending of it that
    starts with a character (便利店 finds 东炉池便利店), and the whole name's pinyin and initials."""
    text = fold(name)
    if not text:
        return set()
    keys = {text[start:] for start in range(len(text) - 1) if has_han(text[start])} | {text}
    keys.update(_spelled(_syllables(text)))
    return _bounded(keys)


def prefix_key(text):
    """A key matched from its beginning only (an address: 临江路4幢 finds 临江路4幢1单元302室)."""
    return _bounded({fold(text)})


def last_four(value):
    """The key of a phone or ID number: its last four digits (or three and an X), marked."""
    digits = "".join(ch for ch in fold(value) if ch.isdigit() or ch == "x")
    return {f"{DIGITS_MARK}{digits[-4:]}"} if len(digits) >= 4 else set()


# --- the keys of each kind of record (the register's index and its migration use the same) ------


def resident_keys(name, mobile, id_number):
    return person_keys(name) | last_four(mobile) | last_four(id_number)


def household_keys(head_name, phone, address):
    # The head by the whole name: by the given name alone, the head is found as a resident.
    return person_keys(head_name, given_name=False) | last_four(phone) | prefix_key(address)


def shop_keys(name, operator_name, phone, address):
    return place_keys(name) | person_keys(operator_name, given_name=False) | last_four(phone) | prefix_key(address)


def building_keys(road, number, name):
    return place_keys(road) | prefix_key(f"{road}{number}幢") | place_keys(name)
