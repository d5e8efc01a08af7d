"""Template helpers for the day marks of ``warta.planning.holidays`` (used by the editorial
calendar's legend, which must say when commemoration days cannot be shown)."""

from django import template

from warta.planning import holidays

register = template.Library()


@register.simple_tag
def commemorations_available() -> bool:
    """Whether KHolidays' commemoration days could be read on this machine (cached per process)."""
    return holidays.commemorations_available()
