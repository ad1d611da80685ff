import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max

from recommendations.models import Organisation, Recommendation
from recommendations.rules.choices import TranslationStatus
from recommendations.services.translations import load_provisional

REPORT_DATE = datetime.datetime(2024, 4, 17, tzinfo=datetime.UTC)
# The secretariat's provisional translation, kept apart from the report, which stays verbatim.
TRANSLATION = Path(settings.BASE_DIR) / "fixtures" / "report-ja.json"


class Command(BaseCommand):
    help = (
        "Load the workshop report's recommendations unless they are already there, so that "
        "officials' later changes are never overwritten by the printed data; then fill in the "
        "secretariat's provisional Japanese translation where an item has none yet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture", default="report", help="Fixture to load (default: the workshop report)."
        )
        parser.add_argument(
            "--translation",
            default=str(TRANSLATION),
            help="Japanese translation to fill in (default: fixtures/report-ja.json).",
        )

    def handle(self, *args, fixture, translation, **options):
        entries, names = self.read_translation(Path(translation))
        if Recommendation.objects.exists():
            self.stdout.write(
                f"The report is already loaded ({Recommendation.objects.count()} recommendations); "
                "its English is unchanged."
            )
            with transaction.atomic():
                texts = sum(
                    load_provisional(
                        recommendation=item,
                        title_ja=entries[item.reference].get("title_ja", ""),
                        text_ja=entries[item.reference]["text_ja"],
                    )
                    for item in Recommendation.objects.filter(reference__in=list(entries))
                )
                filled = self.fill_names(names)
        else:
            with transaction.atomic():
                call_command("loaddata", fixture, verbosity=0)
                self.record_printed_state()
                texts = self.translate_printed_state(entries)
                filled = self.fill_names(names)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {Recommendation.objects.count()} recommendations from the workshop "
                    "report."
                )
            )
        if texts or filled:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Filled in {texts} provisional Japanese translations and {filled} Japanese "
                    "organisation names."
                )
            )
        else:
            self.stdout.write("The Japanese translation is already in; nothing changed.")

    def read_translation(self, path: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as problem:
            raise CommandError(f"Cannot read the translation {path}: {problem}") from None
        entries = data.get("recommendations", {})
        if any(not entry.get("text_ja") for entry in entries.values()):
            raise CommandError(f"Every recommendation in {path} needs a text_ja.")
        return entries, data.get("organisations", {})

    def fill_names(self, names: dict[str, str]) -> int:
        """Fill in the Japanese names still missing; a name typed in by hand stays."""
        return sum(
            Organisation.objects.filter(slug=slug, name_ja="").update(name_ja=name_ja)
            for slug, name_ja in names.items()
        )

    def translate_printed_state(self, entries: dict[str, dict[str, str]]) -> int:
        """Give a freshly loaded report its provisional translation as part of the printed
        state, so the first history record of an item already holds it rather than a second
        record dated today saying it was added."""
        history = Recommendation.history.model.objects
        filled = 0
        for item in Recommendation.objects.filter(reference__in=list(entries)):
            entry = entries[item.reference]
            values = {
                "title_ja": entry.get("title_ja", ""),
                "text_ja": entry["text_ja"],
                "text_ja_status": TranslationStatus.PROVISIONAL,
                "text_ja_source": item.english_fingerprint,
            }
            Recommendation.objects.filter(pk=item.pk).update(**values)
            history.filter(id=item.pk).update(**values)
            filled += 1
        return filled

    def record_printed_state(self):
        """Date the loaded state the day of the workshop, once per recommendation.

        loaddata saves raw rows, which history skips, while each many-to-many set it loads
        leaves a record of its own. Keeping only the last one per item (it holds the complete
        organisations and co-owners) gives every later change a "before" to compare with.
        """
        history = Recommendation.history.model.objects
        last = history.values("id").annotate(last=Max("history_id")).values_list("last", flat=True)
        history.exclude(history_id__in=list(last)).delete()
        history.update(
            history_date=REPORT_DATE,
            history_type="+",
            history_change_reason="Loaded from the workshop report",
        )
        missing = Recommendation.objects.exclude(id__in=history.values("id"))
        Recommendation.history.bulk_history_create(
            list(missing),
            default_date=REPORT_DATE,
            default_change_reason="Loaded from the workshop report",
        )
