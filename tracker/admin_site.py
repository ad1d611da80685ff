"""The tracker's admin site: Django's, with a home page that leads an official to their own
items and no sidebar of models (the recommendations' table needs a laptop's whole width; the
home page and the breadcrumbs lead everywhere the sidebar did), and changelists that answer
a filter value out of range as a wrong address, never as a server error."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def out_of_range_filters_are_wrong_addresses(
    changelist_view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A changelist whose query string names a date no calendar has (a year past 9999 or before
    1, a month of twenty digits) answers as Django's admin answers any other filter value it
    cannot use: back to the list with ?e=1, and 400 if that still fails.

    Django turns most such values into IncorrectLookupParameters, but not the OverflowError of
    a date hierarchy's huge year nor the ValueError the database layer raises for a year out
    of range while it counts the rows; this wraps every changelist of the site, the apps' too
    (the lockout log, the outbox, the accounts)."""

    @wraps(changelist_view)
    def view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method != "GET":
            return changelist_view(request, *args, **kwargs)
        try:
            return changelist_view(request, *args, **kwargs)
        except (OverflowError, ValueError) as error:
            if ERROR_FLAG in request.GET:
                raise BadRequest(f"A filter value is out of range: {error}") from error
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")

    return view


def stamped_for_lockouts(
    changelist_view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A changelist whose actions may read what django-axes stamps on a request (its "Clean up
    expired attempts" reads the request's time): axes stamps only the sign-ins it watches."""

    @wraps(changelist_view)
    def view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # Imported here: axes' handlers import its models, which this module, loaded while
        # Django sets up the admin, must not.
        from axes.handlers.proxy import AxesProxyHandler

        AxesProxyHandler.update_request(request)
        return changelist_view(request, *args, **kwargs)

    return view


# The home page's groups of models, in this order: what a round needs first, then the reference
# data, the accounts and mail, and last the libraries' security records under one heading. Each
# group: its key (the page's class, `app-<key>`), its heading, and its models as app.Model.
MODEL_GROUPS: list[tuple[str, "StrOrPromise", list[str]]] = [
    (
        "recommendations",
        _("The reporting round"),
        [
            "recommendations.Recommendation",
            "recommendations.ProgressUpdate",
            "recommendations.ReportingRound",
            "recommendations.Official",
        ],
    ),
    (
        "reference",
        _("Reference data"),
        [
            "recommendations.Topic",
            "recommendations.Organisation",
            "recommendations.Owner",
            "recommendations.Council",
            "recommendations.OutcomeDocument",
        ],
    ),
    (
        "accounts",
        _("Accounts, alerts and mail"),
        [
            "auth.User",
            "auth.Group",
            "account.EmailAddress",
            "recommendations.Subscription",
            "mailer.Message",
            "mailer.MessageLog",
            "mailer.DontSendEntry",
        ],
    ),
]
# Sign-in attempts and lockouts, second factors, single sign-on: read when something goes
# wrong, never during a round. Any model of these apps lands here.
SECURITY_APPS = ["axes", "mfa", "socialaccount"]


class TrackerAdminSite(admin.AdminSite):
    site_header = _("EU–Japan Digital Partnership tracker")
    site_title = _("Digital Partnership tracker")
    index_title = _("Follow-up of the recommendations")
    index_template = "admin/home.html"
    enable_nav_sidebar = False

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        # Every ModelAdmin's changelist comes through here, under Django's name for it.
        if getattr(view, "__name__", None) == "changelist_view":
            # A changelist answers an HttpResponse; wrapped, it keeps its name and signature.
            changelist = cast(Callable[..., HttpResponse], view)
            wrapped = out_of_range_filters_are_wrong_addresses(stamped_for_lockouts(changelist))
            view = cast(View, wrapped)
        return super().admin_view(view, cacheable)

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        """The home page's models in the tracker's groups (MODEL_GROUPS), the tracker's own
        first and the libraries' security records last under one "Security" heading; an app's
        own page keeps Django's list of that app."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        models = {
            f"{app['app_label']}.{model['object_name']}": model
            for app in apps
            for model in app["models"]
        }
        grouped: list[dict[str, Any]] = []
        placed: set[str] = set()
        for key, name, members in MODEL_GROUPS:
            present = [models[member] for member in members if member in models]
            placed.update(members)
            if present:
                grouped.append(_group(key, name, present))
        security = []
        for app in apps:
            rest = [
                model
                for model in app["models"]
                if f"{app['app_label']}.{model['object_name']}" not in placed
            ]
            if app["app_label"] in SECURITY_APPS:
                security += rest
            elif rest:
                grouped.append({**app, "models": rest})
        if security:
            grouped.append(_group("security", _("Security"), security))
        return grouped

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        # Imported here: the admin package registers its models on this site while Django
        # creates it, so this module must not import that package before then.
        from recommendations.admin.home import own_items_context

        return super().index(request, {**own_items_context(request), **(extra_context or {})})

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # One way in: django-allauth's login, with its second-factor step and single sign-on.
        query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
        return redirect(f"{reverse('account_login')}?{query}")


def _group(key: str, name: "StrOrPromise", models: list[dict[str, Any]]) -> dict[str, Any]:
    """A heading of the home page's list, as Django describes an app, for models that may come
    from several apps: no page of its own to link to."""
    return {
        "name": name,
        "app_label": key,
        "app_url": "",
        "has_module_perms": True,
        "models": models,
    }


class TrackerAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.TrackerAdminSite"
