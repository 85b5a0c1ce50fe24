"""Template filters: the display helpers of ``gridapp.core.display``, for templates."""

from django import template

from gridapp.core import display

register = template.Library()

register.filter("mask_id", display.mask_id)
register.filter("mask_phone", display.mask_phone)
register.filter("person", display.person)
register.filter("in_days", display.in_days)
