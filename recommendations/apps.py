from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Workshop recommendations")

    def ready(self):
        # Connects the sign-in log's receivers (Django's documented place for it).
        from recommendations.sign_in import receivers  # noqa: F401
