from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def language_switcher(request: HttpRequest) -> dict[str, list[dict[str, str]]]:
    """The current page in each other language, query string kept: the switcher's links (a
    link rather than a form, so a public page carries no CSRF token and stays cacheable).

    Worked out here, while the page's own language is active, so a /ja/… address resolves."""
    current = get_language()
    path = request.get_full_path()
    return {
        "other_languages": [
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
            }
            for code, _name in settings.LANGUAGES
            if code != current
        ]
    }
