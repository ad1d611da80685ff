"""The admin, where officials and the secretariat work: one module per ModelAdmin, with the
forms, list filters, changelist actions and the import page beside them. Importing the modules
registers them with the admin site, which imports this package."""

from django.contrib import admin

from recommendations.admin import official, progress_update, recommendation, reference

# The recommendations' table and timeline need a laptop's whole width; the home page and the
# breadcrumbs lead everywhere the sidebar of models did.
admin.site.enable_nav_sidebar = False

__all__ = ["official", "progress_update", "recommendation", "reference"]
