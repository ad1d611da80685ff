"""The published Council reports: each edition as it was published, its files served exactly as
stored (byte for byte) with their SHA-256, and what moved since the previous Council's edition,
read from the two editions' stored statuses. Each language's pages list and serve the files
published in that language."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from recommendations.models import Edition, EditionFile
from recommendations.rules.choices import Status


def _status_label(status: str | None) -> str:
    return str(Status(status).label) if status in Status.values else ""


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _files() -> Prefetch:
    """An edition's files in the page's language."""
    return Prefetch("files", queryset=EditionFile.objects.filter(language=_language()))


def reports(request):
    editions = Edition.objects.select_related("council").prefetch_related(_files())
    return render(request, "recommendations/editions.html", {"editions": editions})


def _edition(council: int, number: int | None) -> tuple[Edition, Edition]:
    """The edition asked for (the current one when `number` is None) and the current one."""
    editions = list(
        Edition.objects.filter(council__number=council)
        .select_related("council")
        .prefetch_related(_files())
        .order_by("-number")
    )
    if not editions:
        raise Http404("No published edition for this Council.")
    if number is None:
        return editions[0], editions[0]
    for edition in editions:
        if edition.number == number:
            return edition, editions[0]
    raise Http404("No such edition.")


def moves(edition: Edition) -> tuple[Edition | None, list[dict]]:
    """The previous Council's current edition, and each item whose status moved since it."""
    previous = (
        Edition.objects.filter(council__number__lt=edition.council.number)
        .select_related("council")
        .order_by("-council__number", "-number")
        .first()
    )
    if previous is None:
        return None, []
    before = previous.statuses()
    moved = [
        {
            "reference": reference,
            "from": _status_label(before.get(reference)),
            "to": _status_label(status),
        }
        for reference, status in edition.statuses().items()
        if before.get(reference) != status
    ]
    return previous, moved


def edition(request, council: int, number: int | None = None):
    shown, current = _edition(council, number)
    previous, moved = moves(shown)
    context = {
        "edition": shown,
        "current": current,
        "editions": shown.council.editions.order_by("number"),
        "previous": previous,
        "moved": moved,
    }
    return render(request, "recommendations/edition.html", context)


def edition_file(request, council: int, name: str, number: int | None = None):
    shown, _current = _edition(council, number)
    language = _language()
    stored = get_object_or_404(EditionFile, edition=shown, name=name, language=language)
    stem, dot, extension = name.rpartition(".")
    if language != settings.LANGUAGE_CODE:
        name = f"{stem}-{language}{dot}{extension}"
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=f"council-{council}-edition-{shown.number}-{name}",
        content_type=stored.content_type,
    )
    response["X-SHA256"] = stored.sha256
    return response
