from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from tracker.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    # Polled by machines, so outside the language prefixes: one address whatever the language.
    path("healthz", healthz, name="healthz"),
    # The language switcher posts here; it must answer whatever the current language.
    path("i18n/", include("django.conf.urls.i18n")),
    # Public pages: English at /…, Japanese at /ja/….
    *i18n_patterns(path("", include("recommendations.urls")), prefix_default_language=False),
]

handler404 = "recommendations.views.page_not_found"
