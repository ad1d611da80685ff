"""Atom feeds of public progress updates: everything, per topic, per organisation and per
recommendation. A confirmation of no change is no entry of its own: it is said beside the
update it confirms.

Stakeholders follow what they asked for without visiting the site; only public updates of
public recommendations ever enter a feed. Each feed names an XSL stylesheet in its own language
(`stylesheet`), so a browser opening one shows a page that says what it is and how to follow it
rather than raw XML."""

import datetime
import typing
from collections.abc import Callable
from functools import wraps
from typing import Generic, TypeVar

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.cache import cache_control

from recommendations.models import Organisation, ProgressUpdate, Recommendation, Topic
from recommendations.models.progress_update import ProgressUpdateQuerySet
from recommendations.timeline import confirmed_unchanged, corrected_mark
from recommendations.views.caching import MAX_AGE_SECONDS

FEED_SIZE = 50

# What a feed is of: a topic, an organisation, a recommendation, or (None) everything.
Subject = TypeVar("Subject", Topic, Organisation, Recommendation, None)


class StyledAtomFeed(Atom1Feed):
    """An Atom feed that names its XSL stylesheet, for the browsers that open it."""

    def write(self, outfile: typing.Any, encoding: str) -> None:
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        href = self.feed.get("stylesheet")
        if href:
            handler.processingInstruction("xml-stylesheet", f'type="text/xsl" href="{href}"')
        # As Atom1Feed.write does; the stubs type the attributes as SAX's own class.
        handler.startElement("feed", self.root_attributes())  # type: ignore[arg-type]
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


def readable_in_browsers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Chromium shows a feed served as application/atom+xml as plain text and never applies its
    stylesheet: a browser, which asks for HTML first, is sent the same feed as application/xml.
    Feed readers ask for Atom and get it as before. Outside the page cache, which keeps one
    rendering for both."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and "text/html" in request.headers.get("Accept", ""):
            response["Content-Type"] = "application/xml; charset=utf-8"
        patch_vary_headers(response, ["Accept"])
        return response

    return wrapper


@cache_control(public=True, max_age=MAX_AGE_SECONDS)
def stylesheet(request: HttpRequest) -> HttpResponse:
    """The feeds' XSL stylesheet in the address's language: what a feed is, how to follow it,
    its latest entries. The same for every feed and every visitor, whatever the data."""
    return render(request, "recommendations/feed.xsl", content_type="text/xsl; charset=utf-8")


class LatestUpdatesFeed(Feed, Generic[Subject]):
    feed_type = StyledAtomFeed

    def feed_extra_kwargs(self, obj: Subject) -> dict[str, str]:
        # Reversed in the feed's language: /ja/feed.xsl for a /ja/… feed.
        return {"stylesheet": reverse("recommendations:feed_stylesheet")}

    # Feed passes the object (None here) to a method that takes one, so the per-topic and
    # per-organisation feeds can override these with the same signature.
    def title(self, obj: Subject) -> str:
        return _("EU–Japan Digital Partnership follow-up: progress updates")

    def subtitle(self) -> str:
        return _(
            "Public progress updates on the recommendations of the stakeholder workshop of "
            "17 April 2024."
        )

    def link(self, obj: Subject) -> str:
        return reverse("recommendations:home")

    def updates(self, obj: Subject) -> ProgressUpdateQuerySet:
        return ProgressUpdate.objects.for_public_news()

    def items(self, obj: Subject) -> ProgressUpdateQuerySet:
        return self.updates(obj)[:FEED_SIZE]

    def item_title(self, update: ProgressUpdate) -> str:
        recommendation = update.recommendation
        if update.status:
            return f"{recommendation.reference}: {update.get_status_display()}"
        title = f"{recommendation.reference}: {recommendation.localised_short_text}"
        if recommendation.shows_japanese:
            title += f"（{recommendation.translation_label}）"
        return title

    def item_description(self, update: ProgressUpdate) -> str:
        # Atom marks the summary as HTML, so feed readers would render markup typed into an
        # update: escape it first, then keep the author's line breaks.
        html = linebreaksbr(update.message, autoescape=True)
        if update.corrected_at is not None:
            html += format_html(" <small>{}</small>", corrected_mark(update.corrected_at))
        confirmed_on = getattr(update, "confirmed_on", None)
        if confirmed_on is not None:
            html += format_html("<br><small>{}</small>", confirmed_unchanged(confirmed_on))
        if update.evidence_url:
            html += format_html('<br><a href="{}">{}</a>', update.evidence_url, _("Evidence"))
        return html

    def item_link(self, update: ProgressUpdate) -> str:
        return f"{update.recommendation.get_absolute_url()}#update-{update.pk}"

    def item_guid(self, update: ProgressUpdate) -> str:
        # Stable whatever the language of the feed, so readers do not see entries twice.
        return f"tag:eu-japan-dp-tracker,2024:update-{update.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, update: ProgressUpdate) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(update.date, datetime.time()))

    def item_updateddate(self, update: ProgressUpdate) -> datetime.datetime:
        return update.created_at

    def item_categories(self, update: ProgressUpdate) -> list[str]:
        return [update.recommendation.topic.localised_name]


class TopicFeed(LatestUpdatesFeed[Topic]):
    def get_object(self, request: HttpRequest, code: str) -> Topic:
        return get_object_or_404(Topic, code=code)

    def title(self, topic: Topic) -> str:
        return _("Progress updates: %(topic)s") % {"topic": topic.localised_name}

    def link(self, topic: Topic) -> str:
        return reverse("recommendations:topic", args=[topic.code])

    def updates(self, topic: Topic) -> ProgressUpdateQuerySet:
        return ProgressUpdate.objects.for_public_news().filter(recommendation__topic=topic)


class OrganisationFeed(LatestUpdatesFeed[Organisation]):
    def get_object(self, request: HttpRequest, slug: str) -> Organisation:
        return get_object_or_404(Organisation, slug=slug)

    def title(self, organisation: Organisation) -> str:
        return _("Progress on the recommendations of %(organisation)s") % {
            "organisation": organisation.acronym
        }

    def link(self, organisation: Organisation) -> str:
        return reverse("recommendations:organisation", args=[organisation.slug])

    def updates(self, organisation: Organisation) -> ProgressUpdateQuerySet:
        return ProgressUpdate.objects.for_public_news().filter(
            recommendation__organisations=organisation
        )


class RecommendationFeed(LatestUpdatesFeed[Recommendation]):
    def get_object(self, request: HttpRequest, reference: str) -> Recommendation:
        return get_object_or_404(Recommendation.objects.public(), reference=reference)

    def title(self, recommendation: Recommendation) -> str:
        return _("Progress on %(reference)s") % {"reference": recommendation.reference}

    def link(self, recommendation: Recommendation) -> str:
        return recommendation.get_absolute_url()

    def updates(self, recommendation: Recommendation) -> ProgressUpdateQuerySet:
        return ProgressUpdate.objects.for_public_news().filter(recommendation=recommendation)
