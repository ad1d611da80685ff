import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max

from recommendations.models import Recommendation

REPORT_DATE = datetime.datetime(2024, 4, 17, tzinfo=datetime.UTC)


class Command(BaseCommand):
    help = (
        "Load the workshop report's recommendations unless they are already there, so that "
        "officials' later changes are never overwritten by the printed data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture", default="report", help="Fixture to load (default: the workshop report)."
        )

    def handle(self, *args, fixture, **options):
        if Recommendation.objects.exists():
            self.stdout.write(
                f"The report is already loaded ({Recommendation.objects.count()} recommendations); "
                "nothing changed."
            )
            return
        with transaction.atomic():
            call_command("loaddata", fixture, verbosity=0)
            self.record_printed_state()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {Recommendation.objects.count()} recommendations from the workshop report."
            )
        )

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
