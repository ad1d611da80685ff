"""The tracker's admin site: Django's, with a home page that leads an official to their own
items and no sidebar of models (the recommendations' table needs a laptop's whole width; the
home page and the breadcrumbs lead everywhere the sidebar did)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class TrackerAdminSite(admin.AdminSite):
    index_template = "admin/home.html"
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        # Imported here: the admin package registers its models on this site while Django
        # creates it, so this module must not import that package before then.
        from recommendations.admin.home import own_items_context

        return super().index(request, {**own_items_context(request), **(extra_context or {})})


class TrackerAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.TrackerAdminSite"
