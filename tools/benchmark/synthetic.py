"""Synthetic tracker data, the same for the same seed, grown size by size.

Built with plain model construction so that the benchmark runs wherever the tracker does: the
test suite's factories (factory-boy, Faker) come with the dev extra only.
"""

import datetime
import itertools
import random

from django.contrib.auth import get_user_model
from django.db import connection
from simple_history.utils import bulk_create_with_history

from recommendations.models.progress_update import ProgressUpdate
from recommendations.models.recommendation import Recommendation
from recommendations.models.reference import Council, Organisation, Owner, Topic
from recommendations.rules.choices import Side, Status, Visibility

# Every 20th item mentions it, so the searched list finds a few rows at every size; VOCABULARY
# must not contain it.
SEARCH_WORD = "interoperability"

# The report's vocabulary, so that texts have the length and look of real items.
VOCABULARY = """
access adoption agreement artificial authorities business capacity certification cloud companies
cooperation cross-border cybersecurity data dialogue digital economy exchange framework governance
identity infrastructure innovation investment joint markets mutual networks openness partners
platforms privacy procurement recognition regulation research resilience rules security
semiconductors services skills small standards startups supply sustainable talent trade transfers
trust wallets workforce
"""
WORDS = VOCABULARY.split()

FIRST_UPDATE_DAY = datetime.date(2024, 4, 17)


def sentence(rng, words):
    """A sentence of `words` words drawn from WORDS with `rng`, capitalised, with a full stop."""
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"{text[0].upper()}{text[1:]}."


class Dataset:
    """Reference rows made once, then recommendations, their links and updates added by grow_to."""

    def __init__(self, *, updates_per_item, seed):
        self.updates_per_item = updates_per_item
        # Structure and wording draw from separate streams: rewording the texts leaves each
        # item's owners, organisations, Council, status and update dates as they were.
        self.random = random.Random(seed)  # noqa: S311 -- repeatable synthetic data, no secrets
        self.words = random.Random(f"{seed} words")  # noqa: S311 -- as above
        self.topics = [
            Topic.objects.create(
                code=f"T{n}", name=f"Topic {n}", printed_name=f"Topic {n}", position=n
            )
            for n in range(1, 13)
        ]
        self.owners = [
            Owner.objects.create(
                code=f"OWNER{n}", name=f"Owner{n}", government="European Commission", side=Side.EU
            )
            for n in range(1, 5)
        ]
        self.organisations = [
            Organisation.objects.create(
                acronym=f"ORG{n}", slug=f"org{n}", name=f"ORG{n} Association", side=Side.EU
            )
            for n in range(1, 21)
        ]
        self.councils = [
            Council.objects.create(number=n, place="Brussels", date=datetime.date(2023 + n, 4, 30))
            for n in range(1, 4)
        ]
        users = get_user_model().objects
        # No passwords: nobody logs in with them, and hashing nine would dwarf the small sizes.
        self.authors = [
            users.create_user(username=f"official{n}", email=f"official{n}@example.org")
            for n in range(1, 9)
        ]
        self.superuser = users.create_superuser(
            username="secretariat", email="secretariat@example.org"
        )
        self.count = 0

    def grow_to(self, size):
        pick = self.random.choice
        statuses = list(Status.values)
        new = []
        for n in range(self.count + 1, size + 1):
            topic = self.topics[n % len(self.topics)]
            text = sentence(self.words, 12)
            if n % 20 == 0:  # what the searched list finds
                text += f" Promote {SEARCH_WORD} of trust services."
            new.append(
                Recommendation(
                    topic=topic,
                    number=str(n),
                    sequence=n * 10,
                    reference=f"{topic.code}-{n}",
                    text=text,
                    lead_owner=pick(self.owners),
                    status=statuses[n % len(statuses)],
                    target_council=pick(self.councils),
                    notes="Internal note." if n % 3 == 0 else "",
                )
            )
        new = bulk_create_with_history(new, Recommendation, batch_size=500)
        if not new or new[0].pk is None:
            new = list(Recommendation.objects.order_by("pk")[self.count :])
        links = Recommendation.organisations.through
        links.objects.bulk_create(
            [
                links(recommendation=rec, organisation=org)
                for rec in new
                for org in self.random.sample(self.organisations, 2)
            ],
            batch_size=2000,
        )
        co_owners = Recommendation.co_owners.through
        co_owners.objects.bulk_create(
            [co_owners(recommendation=rec, owner=pick(self.owners)) for rec in new],
            batch_size=2000,
        )
        updates = [
            ProgressUpdate(
                recommendation=rec,
                author=pick(self.authors),
                date=FIRST_UPDATE_DAY + datetime.timedelta(days=self.random.randrange(900)),
                text=sentence(self.words, 10),
                status=pick(statuses) if i % 4 == 0 else "",
                visibility=Visibility.INTERNAL if i % 4 == 3 else Visibility.PUBLIC,
            )
            for rec, i in itertools.product(new, range(self.updates_per_item))
        ]
        bulk_create_with_history(updates, ProgressUpdate, batch_size=2000)
        if connection.vendor == "postgresql":
            # Autovacuum would gather the planner's statistics soon after such a load; without
            # them PostgreSQL plans as if the tables were empty. SQLite gathers none by itself,
            # so it is measured as it runs in the field.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.count = size
        public = Recommendation.objects.public().order_by("pk")
        self.sample = public[min(size // 2, public.count() - 1)]
