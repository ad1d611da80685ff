"""What the API shows of each resource: every field named one by one, so nothing internal is
ever added by accident."""

from django.conf import settings
from django.db.models import Model, TextChoices
from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from recommendations.models.outcomes import Uptake
from recommendations.models.progress_update import ProgressUpdate
from recommendations.models.recommendation import Recommendation
from recommendations.models.reference import Council, Organisation, Owner, Topic
from recommendations.models.rounds import Edition, EditionFile
from recommendations.models.stakeholder_views import StakeholderView
from recommendations.models.steps import NextStep
from recommendations.rules.bilateral import awaited_side, is_divergent
from recommendations.rules.choices import (
    SIDE_FIELDS,
    Response,
    Side,
    Status,
    StepState,
    TranslationStatus,
)


class PublicPageSerializer(serializers.ModelSerializer):
    """A resource with a public page of its own, given as `html_url`, an absolute address."""

    def get_html_url(self, obj: Model) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())  # type: ignore[attr-defined]


class TopicSerializer(PublicPageSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:topic-detail", lookup_field="code")
    html_url = serializers.SerializerMethodField(help_text="The topic's public page.")

    class Meta:
        model = Topic
        fields = ["code", "url", "html_url", "name", "name_ja", "printed_name", "position"]


class OrganisationSerializer(PublicPageSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )
    html_url = serializers.SerializerMethodField(help_text="The organisation's public page.")

    class Meta:
        model = Organisation
        fields = ["slug", "url", "html_url", "acronym", "name", "name_ja", "side"]


class OwnerSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:owner-detail", lookup_field="code")

    class Meta:
        model = Owner
        fields = ["code", "url", "name", "name_ja", "government", "side"]


class CouncilSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:council-detail", lookup_field="number"
    )

    class Meta:
        model = Council
        fields = ["number", "url", "place", "date"]


class StakeholderViewSerializer(serializers.ModelSerializer):
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    answer = serializers.ChoiceField(
        choices=StakeholderView.Answer.choices,
        source="public_answer",
        read_only=True,
        help_text="Whether, in the recommending organisation's view, what has been done answers "
        "its recommendation.",
    )
    comment = serializers.CharField(source="public_comment", read_only=True)
    approved_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = StakeholderView
        fields = ["organisation", "answer", "comment", "approved_at"]


class UptakeSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        source="document.title", read_only=True, help_text="The outcome document's title."
    )
    title_ja = serializers.CharField(
        source="document.title_ja", read_only=True, help_text="Its title in Japanese, if any."
    )
    council = serializers.IntegerField(
        source="document.council.number", read_only=True, help_text="The Council's number."
    )
    date = serializers.DateField(source="document.date", read_only=True)
    url = serializers.URLField(source="document.url", read_only=True)
    paragraph = serializers.CharField(
        read_only=True, help_text='The paragraph that takes it up, such as "12"; may be empty.'
    )

    class Meta:
        model = Uptake
        fields = ["title", "title_ja", "council", "date", "url", "paragraph"]


class NextStepSerializer(serializers.ModelSerializer):
    side = serializers.ChoiceField(
        choices=[(Side.EU.value, "EU"), (Side.JAPAN.value, "Japan")], read_only=True
    )
    state = serializers.ChoiceField(
        choices=StepState.choices,
        read_only=True,
        help_text="Planned, done (see `done_on`) or slipped (see `first_target_date`).",
    )
    first_target_date = serializers.DateField(
        read_only=True, help_text="The date first promised, kept when the step slips."
    )
    done_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = NextStep
        fields = [
            "side",
            "text",
            "text_ja",
            "target_date",
            "first_target_date",
            "state",
            "done_on",
            "evidence_url",
            "slip_reason",
        ]


def _side_fields(
    side: str, *, status_help: str, response_help: str
) -> tuple[
    serializers.ChoiceField,
    serializers.DateField,
    serializers.ChoiceField,
    serializers.CharField,
    serializers.DateField,
]:
    """One side's `<side>_status`, `_status_date`, `_response`, `_response_rationale` and
    `_response_date`, as the view annotates them (`as_of_<side>_…`): today's values, or those
    recorded on the `as_of` date; a day is none before the side's first value."""

    def choice(field: str, choices: type[TextChoices], help_text: str) -> serializers.ChoiceField:
        return serializers.ChoiceField(
            choices=choices.choices,
            source=f"as_of_{side}_{field}",
            read_only=True,
            help_text=help_text,
        )

    def day(field: str) -> serializers.DateField:
        return serializers.DateField(
            source=f"as_of_{side}_{field}", read_only=True, allow_null=True
        )

    return (
        choice("status", Status, status_help),
        day("status_date"),
        choice("response", Response, response_help),
        serializers.CharField(source=f"as_of_{side}_response_rationale", read_only=True),
        day("response_date"),
    )


class RecommendationSerializer(PublicPageSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:recommendation-detail", lookup_field="reference"
    )
    html_url = serializers.SerializerMethodField(help_text="The recommendation's public page.")
    topic: serializers.SlugRelatedField[Topic] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    organisations: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    # SerializerMetaclass takes declared fields out of the class body, so this never hides the
    # `parent` every bound field (the serializer included) gets.
    parent: serializers.SlugRelatedField[Recommendation] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="reference", read_only=True, allow_null=True
    )
    children = serializers.SerializerMethodField(
        help_text="References of its sub-items, in the report's order."
    )
    lead_owner: serializers.SlugRelatedField[Owner] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    co_owners: serializers.SlugRelatedField[Owner] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    target_council: serializers.SlugRelatedField[Council] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    # The view annotates these: today's values, or those recorded on the `as_of` date.
    status = serializers.ChoiceField(choices=Status.choices, source="as_of_status", read_only=True)
    status_date = serializers.DateField(source="as_of_status_date", read_only=True)
    # Each side's status and formal response as they stood on `as_of`.
    (
        eu_status,
        eu_status_date,
        eu_response,
        eu_response_rationale,
        eu_response_date,
    ) = _side_fields(
        "eu",
        status_help="Status of the EU side, as reported by DG Connect.",
        response_help="The EU's formal response to the recommendation, apart from its status.",
    )
    (
        japan_status,
        japan_status_date,
        japan_response,
        japan_response_rationale,
        japan_response_date,
    ) = _side_fields(
        "japan",
        status_help="Status of the Japan side, as reported by its Japanese owner.",
        response_help="Japan's formal response to the recommendation, apart from its status.",
    )

    text_ja_status = serializers.ChoiceField(
        choices=TranslationStatus.choices,
        source="translation_status",
        read_only=True,
        help_text="Whether `text_ja` is the secretariat's provisional translation, confirmed by "
        "the owners, or made from an English text that has changed since (out of date).",
    )

    status_set_by_secretariat = serializers.SerializerMethodField(
        help_text="The secretariat set the overall status; otherwise it follows from the two "
        "sides by the stated rule."
    )
    divergent = serializers.SerializerMethodField(
        help_text="Both sides have reported and they are more than one step apart (one "
        "completed, the other only planned, say). A side not yet assessed has not spoken: see "
        "`awaited_side`."
    )
    awaited_side = serializers.SerializerMethodField(
        help_text="The side whose first report is awaited while the other side has reported "
        '("eu" or "jp"); null when both have reported or neither has.'
    )

    stakeholder_views = StakeholderViewSerializer(
        source="approved_views",
        many=True,
        read_only=True,
        help_text="The recommending organisations' own views of what has been done, as approved "
        "by the secretariat.",
    )
    next_steps = NextStepSerializer(
        source="public_steps",
        many=True,
        read_only=True,
        help_text="Each side's public next steps with their target dates.",
    )
    overdue = serializers.BooleanField(
        read_only=True,
        help_text="A public next step is past its target date and not done.",
    )
    taken_up = UptakeSerializer(
        many=True,
        read_only=True,
        help_text="The Council outcome documents that take the recommendation up, with the "
        "paragraph.",
    )

    class Meta:
        model = Recommendation
        fields = [
            "reference",
            "url",
            "html_url",
            "topic",
            "source",
            "number",
            "title",
            "text",
            "title_ja",
            "text_ja",
            "text_ja_status",
            "organisations",
            "parent",
            "children",
            "lead_owner",
            "co_owners",
            "status",
            "status_date",
            "eu_status",
            "eu_status_date",
            "japan_status",
            "japan_status_date",
            "status_set_by_secretariat",
            "divergent",
            "awaited_side",
            "target_council",
            "eu_response",
            "eu_response_rationale",
            "eu_response_date",
            "japan_response",
            "japan_response_rationale",
            "japan_response_date",
            "stakeholder_views",
            "next_steps",
            "overdue",
            "taken_up",
        ]

    # The as_of_* fields are annotated by the API's queryset (statuses as of the asked date) and
    # public_children prefetched by with_api_relations: the model declares neither.

    def get_status_set_by_secretariat(self, recommendation: Recommendation) -> bool:
        # Whether there is a reason, as the public page says; the reason itself stays internal.
        return bool((recommendation.as_of_status_override_reason or "").strip())  # type: ignore[attr-defined]

    def get_divergent(self, recommendation: Recommendation) -> bool:
        eu, japan = recommendation.as_of_eu_status, recommendation.as_of_japan_status  # type: ignore[attr-defined]
        return is_divergent(eu, japan)

    def get_awaited_side(self, recommendation: Recommendation) -> str | None:
        eu, japan = recommendation.as_of_eu_status, recommendation.as_of_japan_status  # type: ignore[attr-defined]
        side = awaited_side(eu, japan)
        return side.value if side else None

    def get_children(self, recommendation: Recommendation) -> list[str]:
        return [child.reference for child in recommendation.public_children]  # type: ignore[attr-defined]


class SideStatusSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices, help_text='"eu" or "jp".')
    status = serializers.ChoiceField(choices=Status.choices, help_text="That side's status.")


class ProgressUpdateSerializer(serializers.ModelSerializer):
    recommendation: serializers.SlugRelatedField[Recommendation] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True
    )
    recommendation_url = serializers.SerializerMethodField()
    event_text = serializers.CharField(
        read_only=True,
        help_text="What the tracker recorded (statuses moved, a confirmation), in words in the "
        "request's language; empty for a plain note. `text` holds the official's own words. "
        "`kind` and `sides` say the same as data.",
    )
    sides = serializers.SerializerMethodField(
        help_text="The sides a status change moved, or a confirmation confirmed, each with its "
        "status (EU first); empty for a note."
    )

    class Meta:
        model = ProgressUpdate
        # No author: an update speaks for its owner, and users' names and addresses stay private.
        fields = [
            "recommendation",
            "recommendation_url",
            "date",
            "kind",
            "text",
            "event_text",
            "sides",
            "status",
            "evidence_url",
            "created_at",
            "corrected_at",
        ]
        extra_kwargs = {
            "corrected_at": {
                "help_text": "When its author last corrected the update's words or link; null "
                "when it stands as first written."
            },
            "kind": {
                "help_text": "What the update is: an official's note, a status change, or a "
                "confirmation of no change since the last report."
            },
            "status": {
                "help_text": "The overall status this update set; empty when it did not move "
                "(a side may have moved alone: see `sides`)."
            },
        }

    @extend_schema_field(SideStatusSerializer(many=True))
    def get_sides(self, update: ProgressUpdate) -> list[dict[str, str]]:
        return [
            {"side": str(side), "status": update.sides[side]}
            for side in SIDE_FIELDS
            if side in (update.sides or {})
        ]

    def get_recommendation_url(self, update: ProgressUpdate) -> str:
        return reverse(
            "api:recommendation-detail",
            args=[update.recommendation.reference],
            request=self.context["request"],
        )


class EditionFileSerializer(serializers.ModelSerializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, read_only=True, help_text="The file's language."
    )
    download_url = serializers.SerializerMethodField(
        help_text="The file as published, byte for byte: its SHA-256 is `sha256`."
    )

    class Meta:
        model = EditionFile
        fields = ["name", "language", "content_type", "size", "sha256", "download_url"]
        extra_kwargs = {"sha256": {"help_text": "SHA-256 of the file, in hexadecimal."}}

    def get_download_url(self, stored: EditionFile) -> str:
        edition = stored.edition
        # Each language's files are served under that language's pages (/ja/… for Japanese).
        with translation.override(stored.language):
            path = reverse(
                "recommendations:edition_file",
                args=[edition.council.number, edition.number, stored.name],
            )
        return self.context["request"].build_absolute_uri(path)


class EditionSerializer(PublicPageSerializer):
    council: serializers.SlugRelatedField[Council] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, help_text="The Council's number."
    )
    html_url = serializers.SerializerMethodField(help_text="The edition's public page.")
    files = EditionFileSerializer(many=True, read_only=True)

    class Meta:
        model = Edition
        # No publisher: an edition speaks for the secretariat, and users' names stay private.
        fields = ["council", "number", "as_of", "published_at", "reason", "html_url", "files"]
        extra_kwargs = {
            "number": {"help_text": "1 for the first edition; each correction adds one."},
            "reason": {"help_text": "What a corrected edition corrected; empty for the first."},
            "as_of": {"help_text": "The day whose statuses the edition reports."},
        }
