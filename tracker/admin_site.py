"""The tracker's admin site: Django's, with a home page that leads an official to their own
items and no sidebar of models (the recommendations' table needs a laptop's whole width; the
home page and the breadcrumbs lead everywhere the sidebar did)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse


class TrackerAdminSite(admin.AdminSite):
    index_template = "admin/home.html"
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        # Imported here: the admin package registers its models on this site while Django
        # creates it, so this module must not import that package before then.
        from recommendations.admin.home import own_items_context

        return super().index(request, {**own_items_context(request), **(extra_context or {})})

    def login(self, request, extra_context=None):
        # One way in: django-allauth's login, with its second-factor step and single sign-on.
        query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
        return redirect(f"{reverse('account_login')}?{query}")


class TrackerAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.TrackerAdminSite"
