from django import template

from ..reference import reference as translated

register = template.Library()


@register.filter
def reference(name):
    """`{{ kind.name|reference }}`: a unit kind, criterion or form of commendation in the page's language."""
    return translated(name)
