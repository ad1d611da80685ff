from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from recommendations.api.views import DocsView, not_found
from recommendations.sign_in.language import choose_language
from recommendations.sign_in.views import email_addresses_closed, two_factor
from tracker.health import healthz

urlpatterns = [
    # The one-time links `manage.py add_official` prints: a new official chooses a password.
    # Their own templates: the admin's registration/ pages, found first, speak of a reset.
    path(
        "admin/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/set_password.html", title=_("Choose your password")
        ),
        name="password_reset_confirm",
    ),
    path(
        "admin/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/set_password_done.html", title=_("Your password is set")
        ),
        name="password_reset_complete",
    ),
    # The second factor: enrolment, recovery codes (recommendations/sign_in/).
    path("admin/two-factor/", two_factor, name="two_factor"),
    path("admin/", admin.site.urls),
    # django-allauth: the login with its second-factor step, security keys, single sign-on;
    # officials' addresses are the secretariat's to change (recommendations/sign_in/views.py).
    path("accounts/email/", email_addresses_closed),
    path("accounts/", include("allauth.urls")),
    # Polled by machines, so outside the language prefixes: one address whatever the language.
    path("healthz", healthz, name="healthz"),
    # The open data API: one address whatever the language, like the health check.
    path("api/", include("recommendations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    # Any other address under /api/ (no end anchor: even a path with a line break in it).
    re_path(r"^api/", not_found),
    # The admin's header switch posts here, whatever the current language; it is remembered on
    # the official's entry too. The public pages switch by links to their twin (/ja/…).
    path("i18n/language/", choose_language, name="choose_language"),
    # Public pages: English at /…, Japanese at /ja/….
    *i18n_patterns(path("", include("recommendations.urls")), prefix_default_language=False),
]

handler404 = "recommendations.views.pages.page_not_found"
