"""Durations read as people say them (issue 13, item 9): whole days — 已超期 9 天, never
"1 周，2 日" — and hours only when less than a day is left or past on a deadline with a time."""

import datetime

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation

from gridapp.core.display import due_in_words, since_in_words

TODAY = datetime.date(2026, 3, 12)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("due", "zh", "en"),
    [
        (days(-9), "已超期 9 天", "9 days overdue"),
        (days(-1), "已超期 1 天", "1 day overdue"),
        (days(0), "今天到期", "due today"),
        (days(1), "明天到期", "due tomorrow"),
        (days(3), "3 天后到期", "due in 3 days"),
    ],
)
def test_a_due_date_in_whole_days(due, zh, en):
    with translation.override("zh-hans"):
        assert due_in_words(due, TODAY) == zh
    with translation.override("en"):
        assert due_in_words(due, TODAY) == en


def test_a_deadline_with_a_time_counts_the_days_elapsed_then_the_hours():
    now = timezone.make_aware(datetime.datetime(2026, 3, 12, 10, 0))
    with translation.override("zh-hans"):
        assert due_in_words(now - datetime.timedelta(days=9, hours=5), now=now) == "已超期 9 天"
        assert due_in_words(now - datetime.timedelta(hours=26), now=now) == "已超期 1 天"
        assert due_in_words(now - datetime.timedelta(hours=5), now=now) == "已超期 5 小时"
        assert due_in_words(now - datetime.timedelta(minutes=10), now=now) == "已超期 1 小时"
        assert due_in_words(now + datetime.timedelta(hours=3, minutes=30), now=now) == "还剩 3 小时"
        assert due_in_words(now + datetime.timedelta(days=2, hours=20), now=now) == "还剩 2 天"


def test_how_long_ago_in_calendar_days():
    with translation.override("zh-hans"):
        assert [since_in_words(days(-n), TODAY) for n in (0, 1, 9)] == ["今天", "昨天", "9 天前"]
        late_last_night = timezone.make_aware(datetime.datetime(2026, 3, 11, 23, 50))
        assert since_in_words(late_last_night, TODAY) == "昨天"
    assert since_in_words(None) == "" and due_in_words(None) == ""


def test_the_template_filter():
    template = Template('{% load gridapp_tags %}{{ due|in_days }} · {{ seen|in_days:"since" }}')
    morning = timezone.make_aware(datetime.datetime(2026, 3, 12, 9, 0))
    with time_machine.travel(morning, tick=False), translation.override("zh-hans"):
        assert template.render(Context({"due": days(-9), "seen": days(-3)})) == "已超期 9 天 · 3 天前"
