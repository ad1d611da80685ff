import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

# A production start without its secret key or host names fails here, loudly, before serving.
if settings.MISSING_FOR_PRODUCTION:
    raise ImproperlyConfigured(" ".join(settings.MISSING_FOR_PRODUCTION))

application = get_wsgi_application()
