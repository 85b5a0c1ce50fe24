"""Template filters: the display helpers of ``gridapp.core.display``, for templates; and what a
page asks the scope without its view's help (so that a button or a count is one line of a
template)."""

from django import template

from gridapp import scope
from gridapp.core import display, drafts

register = template.Library()

register.filter("mask_id", display.mask_id)
register.filter("mask_phone", display.mask_phone)
register.filter("person", display.person)
register.filter("in_days", display.in_days)


@register.filter
def can_record(user, grid):
    """Whether ``user`` adds households, residents and shops to ``grid`` (``scope.can_record``)."""
    return scope.can_record(user, grid)


@register.simple_tag(takes_context=True)
def drafts_saved(context):
    """The keys of the drafts whose forms were saved since the last page, space-separated, once
    (``gridapp.core.drafts``): static/js/drafts.js clears them on the phone."""
    request = context.get("request")
    return " ".join(drafts.take_saved(request)) if request is not None else ""
