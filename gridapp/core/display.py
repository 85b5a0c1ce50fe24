"""How people and personal data are shown: the least that serves the task (PIPL). Used by the
pages (through ``gridapp_tags``), the exports, the notifications and the admin alike."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext, ngettext


def mask_id(value):
    """3301**********1234: region prefix and last four, nothing that gives the birth date."""
    value = value or ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_phone(value):
    """138****5678 for mobiles; landlines keep their area code and last four digits."""
    value = value or ""
    if len(value) < 7:
        return value
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def person(user):
    """A user's name as people say it: 吴佳栋 (family name first) for Chinese names."""
    if user is None:
        return ""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


# --- durations, as people say them ------------------------------------------------------
# Whole days, never "1 week, 2 days": a grid worker says 已超期 9 天. Dates (a check-in, a
# follow-up) count calendar days; a deadline with a time (a case's) counts the days elapsed,
# and the hours when less than one is left or past.


def _local_day(value):
    """The local calendar day of a date or an aware datetime."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def due_in_words(due, today=None, *, now=None):
    """已超期 9 天 / 今天到期 / 明天到期 / 3 天后到期 for a date; 已超期 2 天 / 还剩 5 小时 for a
    deadline with a time."""
    if not due:
        return ""
    if isinstance(due, datetime.datetime):
        return _deadline_in_words(due, now or timezone.now())
    days = (due - (today or timezone.localdate())).days
    if days < 0:
        return ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}
    if days == 0:
        return gettext("due today")
    if days == 1:
        return gettext("due tomorrow")
    return ngettext("due in %(n)d day", "due in %(n)d days", days) % {"n": days}


def _deadline_in_words(due, now):
    seconds = (due - now).total_seconds()
    hours = max(int(abs(seconds) // 3600), 1)
    days = hours // 24
    if seconds < 0:
        if days:
            return ngettext("%(n)d day overdue", "%(n)d days overdue", days) % {"n": days}
        return ngettext("%(n)d hour overdue", "%(n)d hours overdue", hours) % {"n": hours}
    if days:
        return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
    return ngettext("%(n)d hour left", "%(n)d hours left", hours) % {"n": hours}


def since_in_words(day, today=None):
    """今天 / 昨天 / 9 天前: how many calendar days ago something happened."""
    if not day:
        return ""
    days = ((today or timezone.localdate()) - _local_day(day)).days
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}


def in_days(value, style="due"):
    """The template filter: ``{{ due_on|in_days }}``, ``{{ visited_at|in_days:"since" }}``."""
    return since_in_words(value) if style == "since" else due_in_words(value)
