"""What each Council made of the recommendations: its outcome documents (a joint statement, a
ministerial declaration) and the recommendations each one takes up, with the paragraph. The
secretariat records both in the admin; the item page, the Council report and the API read them."""

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.recommendation import Recommendation
from recommendations.models.reference import Council

ENGLISH_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def english_ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else ENGLISH_SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"


class OutcomeDocument(models.Model):
    """A document a Council adopted, published at an address of its own."""

    council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        related_name="outcome_documents",
        verbose_name=_("Council"),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For example: joint statement.")
    )
    title_ja = models.CharField(_("title in Japanese"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    url = models.URLField(
        _("address"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where the document is published: an http or https address."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["council__number", "date", "pk"]
        verbose_name = _("Council outcome document")
        verbose_name_plural = _("Council outcome documents")

    def __str__(self) -> str:
        return f"{self.localised_title} ({self.council})"

    @property
    def localised_title(self) -> str:
        """The title in the reader's language: the Japanese one on /ja/ when there is one."""
        if self.title_ja and (get_language() or "").startswith("ja"):
            return self.title_ja
        return self.title


class Uptake(models.Model):
    """A recommendation taken up in a Council's outcome document, at a paragraph of it."""

    document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        related_name="uptakes",
        verbose_name=_("outcome document"),
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        related_name="uptakes",
        verbose_name=_("recommendation"),
    )
    paragraph = models.CharField(
        _("paragraph"),
        max_length=20,
        blank=True,
        help_text=_("The paragraph that takes the recommendation up, for example 12."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["document__council__number", "document__date", "document", "recommendation"]
        verbose_name = _("recommendation taken up")
        verbose_name_plural = _("recommendations taken up")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "recommendation"],
                name="one_uptake_per_document_and_recommendation",
                violation_error_message=_(
                    "This recommendation is already linked to this document: change its "
                    "paragraph there instead."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.sentence

    @property
    def sentence(self) -> str:
        """The page's line, such as "Taken up in the joint statement of the 2nd Council,
        paragraph 12", in the reader's language."""
        number = self.document.council.number
        # Japanese counts Councils as 第2回: the number alone goes into its sentence.
        japanese = (get_language() or "").startswith("ja")
        values = {
            "document": self.document.localised_title,
            "ordinal": str(number) if japanese else english_ordinal(number),
            "paragraph": self.paragraph,
        }
        if self.paragraph:
            return (
                gettext(
                    "Taken up in the %(document)s of the %(ordinal)s Council, "
                    "paragraph %(paragraph)s"
                )
                % values
            )
        return gettext("Taken up in the %(document)s of the %(ordinal)s Council") % values


def taken_up() -> models.Prefetch:
    """Each recommendation's uptakes as `taken_up`, with their documents and Councils: one
    query however many recommendations are read."""
    return models.Prefetch(
        "uptakes",
        queryset=Uptake.objects.select_related("document__council"),
        to_attr="taken_up",
    )
