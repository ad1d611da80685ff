import datetime

import factory
from django.contrib.auth import get_user_model

from recommendations.models import (
    Council,
    NextStep,
    Organisation,
    Owner,
    ProgressUpdate,
    Recommendation,
    Side,
    Status,
    Topic,
    Visibility,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"official{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"secretariat{n}")
    is_staff = True
    is_superuser = True


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")
    printed_name = factory.SelfAttribute("name")
    position = factory.Sequence(lambda n: n + 1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    acronym = factory.Sequence(lambda n: f"ORG{n}")
    slug = factory.LazyAttribute(lambda org: org.acronym.lower())
    name = factory.LazyAttribute(lambda org: f"{org.acronym} Association")
    side = Side.EU


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"OWNER{n}")
    name = factory.LazyAttribute(lambda owner: owner.code.title())
    government = "European Commission"
    side = Side.EU


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: n + 1)
    place = "Brussels"
    date = factory.LazyAttribute(lambda council: datetime.date(2023 + council.number, 4, 30))


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    sequence = factory.Sequence(lambda n: (n + 1) * 10)
    reference = factory.LazyAttribute(lambda rec: f"{rec.topic.code}-{rec.number}")
    text = factory.Faker("sentence", nb_words=12)
    lead_owner = factory.SubFactory(OwnerFactory)
    status = Status.NOT_ASSESSED

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.add(*extracted)

    @factory.post_generation
    def co_owners(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_owners.add(*extracted)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    recommendation = factory.SubFactory(RecommendationFactory)
    text = factory.Faker("sentence", nb_words=10)
    visibility = Visibility.PUBLIC


class OfficialFactory(factory.django.DjangoModelFactory):
    """A staff user of one owner, in the officials' group, as `manage.py add_official` makes."""

    class Meta:
        model = "recommendations.Official"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, is_staff=True)
    owner = factory.SubFactory(OwnerFactory)

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create:
            from recommendations.services.officials import officials_group

            self.user.groups.add(officials_group())


class NextStepFactory(factory.django.DjangoModelFactory):
    """A planned step, written straight to the table: the service's rules are tested apart."""

    class Meta:
        model = NextStep

    recommendation = factory.SubFactory(RecommendationFactory)
    side = Side.EU
    text = factory.Sequence(lambda n: f"Next step {n}")
    target_date = datetime.date(2027, 6, 30)
    first_target_date = factory.SelfAttribute("target_date")


class OutcomeDocumentFactory(factory.django.DjangoModelFactory):
    """A Council's joint statement, published at an address of its own."""

    class Meta:
        model = "recommendations.OutcomeDocument"

    council = factory.SubFactory(CouncilFactory)
    title = "joint statement"
    date = factory.LazyAttribute(lambda document: document.council.date)
    url = factory.Sequence(lambda n: f"https://digital-strategy.ec.europa.eu/statement-{n}")


class UptakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "recommendations.Uptake"

    document = factory.SubFactory(OutcomeDocumentFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    paragraph = "12"
