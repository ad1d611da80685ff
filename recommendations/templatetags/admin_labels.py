from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models.options import Options
from django.utils.text import capfirst

register = template.Library()


@register.filter
def field_label(opts: Options, name: str) -> str:
    """A field of the model by its label in the language in use ("eu_status" → "EU side"), as
    the change form names it; a name that is no field stays as it is."""
    try:
        field = opts.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(capfirst(getattr(field, "verbose_name", name)))
