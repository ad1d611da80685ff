"""Publishing a Council report: the report is rendered once, in every format and in each of the
site's languages, and the files are stored through Django's storage API with their SHA-256,
never to be rewritten. Publishing again for the same Council adds a corrected edition, with the
reason; the earlier one stays."""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from recommendations.models import Council, Edition, EditionFile, Publication, ReportingRound
from recommendations.models.rounds import EditionLabel
from recommendations.reporting.formats import FORMATS, render_each
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.preview import published_options
from recommendations.reporting.query import report_rows
from recommendations.rules.choices import Side

# What an edition publishes, in the order its page lists the files.
PUBLISHED_FORMATS = ("html", "pdf", "xlsx", "docx", "csv")


@dataclass(frozen=True)
class RenderedFile:
    name: str
    content_type: str
    content: bytes
    language: str = settings.LANGUAGE_CODE


def render_language(options: ReportOptions, language: str) -> list[RenderedFile]:
    """The public report in every format in `language`, each as the bytes to store."""
    with translation.override(language):
        contents = render_each(PUBLISHED_FORMATS, options)
    return [
        RenderedFile(
            f"report.{FORMATS[code].extension}", FORMATS[code].content_type, content, language
        )
        for code, content in contents.items()
    ]


def render_files(options: ReportOptions) -> list[RenderedFile]:
    """The public report in every format and every language of the site, each rendered once."""
    return [
        rendered
        for language, _name in settings.LANGUAGES
        for rendered in render_language(options, language)
    ]


def snapshot(options: ReportOptions) -> dict:
    """Each row's statuses as published: what a later edition compares itself with."""
    return {
        "rows": [
            {
                "reference": row.reference,
                "status": row.status,
                Side.EU.value: row.eu_status,
                Side.JAPAN.value: row.japan_status,
            }
            for row in report_rows(options)
        ]
    }


def check_current(*, council: Council, current: Edition | None, seen: int, reason: str) -> None:
    """Refuse a publication over an edition its publisher has not seen, or a second one without
    a reason for the correction."""
    if current is not None and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Council no. %(number)s is already published (edition %(edition)s): "
                    "say what is corrected to publish a corrected edition."
                )
                % {"number": council.number, "edition": current.number}
            }
        )
    if (current.number if current else 0) != seen:
        raise ValidationError(
            {
                "reason": _(
                    "Edition %(edition)s of Council no. %(number)s was published while "
                    "this one was prepared: read it before publishing a correction."
                )
                % {"number": council.number, "edition": current.number if current else seen}
            }
        )


def store_file(record: EditionFile, content: bytes) -> str:
    """Write `content` under the record's final name and return that name. A file already there
    with no row describing it was left by a publication that was killed before its commit: it
    is replaced, never kept beside with a suffixed name."""
    storage = record.file.storage
    name = record.file.field.generate_filename(record, record.name)
    if storage.exists(name):
        if EditionFile.objects.filter(file=name).exists():
            raise ValidationError(
                _("%(name)s is already published and cannot be written again.") % {"name": name}
            )
        storage.delete(name)
    stored = storage.save(name, ContentFile(content))
    if stored != name:
        # Another process wrote the name between the check and the save; keeping a second copy
        # under another name would publish a file nobody checks.
        storage.delete(stored)
        raise ValidationError(
            _("%(name)s was written by someone else meanwhile: publish again.") % {"name": name}
        )
    return stored


def check_may_publish(*, council: Council, reason: str, on_top_of: int | None) -> int:
    """Refuse a publication `publish_edition` would refuse before it renders anything, and
    return the edition number it is to follow (0 for none)."""
    if not ReportingRound.objects.filter(council=council).exists():
        raise ValidationError(
            {
                "council": _(
                    "Council no. %(number)s has had no reporting round: open one (and let the "
                    "owners report) before publishing."
                )
                % {"number": council.number}
            }
        )
    latest = Edition.objects.current_of(council)
    seen = on_top_of if on_top_of is not None else (latest.number if latest else 0)
    check_current(council=council, current=latest, seen=seen, reason=reason.strip())
    return seen


def publish_edition(
    *,
    council: Council,
    author: User | None,
    reason: str = "",
    on_top_of: int | None = None,
    today: datetime.date | None = None,
    progress: Callable[[Publication.Step], None] | None = None,
) -> Edition:
    """Publish the report for `council`, closing its open round. Refused when the Council has
    had no round, when it is already published and no reason for a correction is given, or when
    its current edition is no longer `on_top_of`, the number its publisher saw (0 for none).
    `progress` is told each step as it begins.

    All or nothing: the files are rendered first, then written under their final names in the
    transaction that records them, and deleted again if that transaction does not commit."""
    today = today or timezone.localdate()
    reason = reason.strip()
    rounds = ReportingRound.objects.filter(council=council)
    seen = check_may_publish(council=council, reason=reason, on_top_of=on_top_of)
    if progress:
        progress(Publication.Step.RENDERING)
    options = replace(
        published_options(council=council, today=today),
        edition=EditionLabel(
            number=seen + 1, published_on=today, corrects=seen or None, reason=reason
        ),
    )
    # Rendered before the transaction: on SQLite a transaction holds the one write lock, and
    # every save would wait for the PDF to be laid out.
    rendered_files = render_files(options)
    published = snapshot(options)
    if progress:
        progress(Publication.Step.STORING)
    written: list[str] = []
    try:
        with transaction.atomic():
            # One publication of a Council at a time: the edition number is taken under lock
            # (on SQLite the transaction itself is the lock) and the check made again under it.
            Council.objects.select_for_update().get(pk=council.pk)
            current = Edition.objects.current_of(council)
            check_current(council=council, current=current, seen=seen, reason=reason)
            round_ = rounds.order_by("-opened_at").first()
            for open_round in rounds.filter(closed_at__isnull=True):
                open_round.closed_at = timezone.now()
                open_round.save(update_fields=["closed_at"])
            edition = Edition.objects.create(
                council=council,
                number=(current.number + 1) if current else 1,
                round=round_,
                reason=reason if current else "",
                as_of=today,
                published_at=timezone.now(),
                published_by=author,
                snapshot=published,
            )
            for rendered in rendered_files:
                record = EditionFile(
                    edition=edition,
                    name=rendered.name,
                    language=rendered.language,
                    content_type=rendered.content_type,
                    size=len(rendered.content),
                    sha256=hashlib.sha256(rendered.content).hexdigest(),
                )
                record.file.name = store_file(record, rendered.content)
                written.append(record.file.name)
                record.save()
    except BaseException:
        # The rows are rolled back; the files written for them would be orphans.
        storage = EditionFile._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise
    return edition


def request_publication(
    *, council: Council, author: User | None, reason: str = "", on_top_of: int | None = None
) -> Publication:
    """Ask for the report of `council` to be published in the background, refusing at once what
    `publish_edition` would refuse before rendering, or a publication of the Council still under
    way. Returns the request, to be followed to its edition or its error."""
    reason = reason.strip()
    with transaction.atomic():
        Council.objects.select_for_update().get(pk=council.pk)
        seen = check_may_publish(council=council, reason=reason, on_top_of=on_top_of)
        under_way = (
            Publication.objects.filter(council=council)
            .exclude(step__in=[Publication.Step.DONE, Publication.Step.FAILED])
            .first()
        )
        if under_way is not None:
            raise ValidationError(
                _(
                    "Council no. %(number)s is being published already (asked for at %(when)s): "
                    "wait for that edition, then read it before publishing a correction."
                )
                % {
                    "number": council.number,
                    "when": timezone.localtime(under_way.requested_at).strftime("%H:%M"),
                }
            )
        publication = Publication.objects.create(
            council=council,
            reason=reason,
            on_top_of=seen,
            requested_at=timezone.now(),
            requested_by=author,
        )
    return enqueue(publication)


def retry_publication(*, publication: Publication) -> Publication:
    """Ask again for a failed publication, with the same reason and the same edition seen, so a
    correction is still not published over an edition published since."""
    if publication.step != Publication.Step.FAILED:
        raise ValidationError(_("Only a failed publication can be tried again."))
    return request_publication(
        council=publication.council,
        author=publication.requested_by,
        reason=publication.reason,
        on_top_of=publication.on_top_of,
    )


def enqueue(publication: Publication) -> Publication:
    """Hand `publication` to the worker (or, with the immediate backend, carry it out now)."""
    result = publish_in_background.enqueue(publication.pk)
    Publication.objects.filter(pk=publication.pk).update(task_id=str(result.id))
    publication.refresh_from_db()
    return publication


@task()
def publish_in_background(publication_id: int) -> int | None:
    """Carry out a publication, recording each step, and the edition made or why it failed.
    Returns the edition's id."""
    publication = Publication.objects.select_related("council", "requested_by").get(
        pk=publication_id
    )
    if publication.is_finished:
        # A task run twice (a worker killed after its commit) publishes once.
        return publication.edition_id

    def record(step: Publication.Step, **fields: object) -> None:
        Publication.objects.filter(pk=publication_id).update(step=step, **fields)

    record(Publication.Step.RENDERING, started_at=timezone.now())
    try:
        edition = publish_edition(
            council=publication.council,
            author=publication.requested_by,
            reason=publication.reason,
            on_top_of=publication.on_top_of,
            progress=record,
        )
    except ValidationError as error:
        record(Publication.Step.FAILED, finished_at=timezone.now(), error=" ".join(error.messages))
        return None
    except Exception as error:
        record(
            Publication.Step.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}",
        )
        raise
    record(Publication.Step.DONE, finished_at=timezone.now(), edition=edition)
    return edition.pk
