from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.db.models.options import Options
from django.utils.text import capfirst

# As the history's changes write nothing (recommendations.admin.history.NOTHING).
NOTHING = "—"

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


@register.filter
def record_value(record: Model, name: str) -> str:
    """A column of a historical record as the history page shows it: a status by its name, an
    owner by its name in the page's language, "—" for nothing."""
    display = getattr(record, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(record, name, None)
    if value is None or value == "":
        return NOTHING
    return str(getattr(value, "localised_name", value))
