"""The admin, where officials and the secretariat work: one module per ModelAdmin, with the
forms, list filters, changelist actions and the import page beside them. Importing the modules
registers them with the admin site, which imports this package."""

from functools import partial

from django.contrib import admin

from recommendations.admin import home, official, progress_update, recommendation, reference

# The home page leads an official to their own items (home.index). The project uses Django's
# default site, so its index view is replaced here rather than through a site subclass.
admin.site.index = partial(home.index, admin.site)  # type: ignore[method-assign]
admin.site.index_template = home.TEMPLATE
# The recommendations' table and timeline need a laptop's whole width; the home page and the
# breadcrumbs lead everywhere the sidebar of models did.
admin.site.enable_nav_sidebar = False

__all__ = ["home", "official", "progress_update", "recommendation", "reference"]
