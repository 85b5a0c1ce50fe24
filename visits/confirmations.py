"""What the worker reads once a visit is saved: never a bare "saved" when a resident is still due.

A resident with check-ins who was not seen ("not at home", or not recorded) is named with the
reason; one who was seen is named with her next check-in, so the worker can tell at a glance
that the visit counted. A visit that counts towards a campaign says so, with the new figure.
"""

from django.contrib import messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from . import selectors
from .models import Condition


def day(value):
    """A date as people say it: 5月27日 (Django's Chinese month-day format pads the month)."""
    return date_format(value, pgettext("month and day, a date format", "F j"))


def after_visit(user, visit):
    """(message level, text) for a visit just saved."""
    today = timezone.localdate()
    sentences, still_due = [_("Visit saved.")], []
    for resident, due_on, recorded in selectors.household_checkins(visit):
        if due_on <= today and recorded in ("", Condition.NOT_HOME):
            reason = Condition(recorded).label if recorded else _("not seen")
            still_due.append(_("%(name)s still due: %(reason)s.") % {"name": resident.name, "reason": reason})
        else:
            sentences.append(_("%(name)s's next check-in: %(date)s.") % {"name": resident.name, "date": day(due_on)})
    campaigns = selectors.campaigns_counting(user, visit)
    coverage = selectors.coverage_for(user, campaigns) if campaigns else {}
    for campaign in campaigns:
        visited, total = coverage[campaign.pk]
        sentences.append(
            _("Counts towards %(campaign)s: %(visited)d of %(total)d visited.")
            % {"campaign": campaign.name, "visited": visited, "total": total}
        )
    level = messages.WARNING if still_due else messages.SUCCESS
    # Chinese sentences end in "。" and run on without a space; English ones need it.
    space = "" if get_language().startswith("zh") else " "
    return level, space.join([*sentences[:1], *still_due, *sentences[1:]])
