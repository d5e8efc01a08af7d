"""Show an audit event's change summary as readable lines instead of raw JSON."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


@register.filter
def audit_changes(changes) -> str:
    """``{"name": ["A", "B"]}`` → ``name: A → B``; nested objects as ``key = value`` pairs."""
    if not isinstance(changes, dict) or not changes:
        return ""
    lines = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            lines.append((key, f"{_value(value[0])} → {_value(value[1])}"))
        elif isinstance(value, dict):
            lines.append((key, ", ".join(f"{k} = {_value(v)}" for k, v in value.items())))
        else:
            lines.append((key, _value(value)))
    return format_html('<ul class="changes">{}</ul>', format_html_join("", "<li><b>{}</b>: {}</li>", lines))
