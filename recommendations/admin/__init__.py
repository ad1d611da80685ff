"""The admin, where officials and the secretariat work: one module per ModelAdmin, with the
forms, list filters, changelist actions and the import page beside them. Importing the modules
registers them with the admin site, which imports this package."""

from recommendations.admin import (
    alerts,
    official,
    outcomes,
    progress_update,
    publications,
    recommendation,
    reference,
    rounds,
    stakeholder_views,
)

__all__ = [
    "alerts",
    "official",
    "outcomes",
    "progress_update",
    "publications",
    "recommendation",
    "reference",
    "rounds",
    "stakeholder_views",
]
