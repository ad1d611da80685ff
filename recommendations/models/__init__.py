"""What the tracker follows: the workshop's recommendations, who made them, who owns them, and
the dated progress updates that explain where each one stands.

One module per part: reference data (topics, organisations, owners, Councils), the
recommendations and their progress updates (apart, the update naming its recommendation by label),
and the officials who answer for them. The vocabularies live in recommendations.rules.choices and
are re-exported here, since every caller of the models needs them too."""

from recommendations.models.alerts import Subscription
from recommendations.models.official import Official
from recommendations.models.outcomes import OutcomeDocument, Uptake
from recommendations.models.progress_update import ProgressUpdate
from recommendations.models.recommendation import Recommendation
from recommendations.models.reference import Council, Organisation, Owner, Topic
from recommendations.models.rounds import (
    Edition,
    EditionFile,
    Publication,
    ReportingRound,
    RoundMail,
)
from recommendations.models.stakeholder_views import (
    OrganisationContact,
    SignInLink,
    StakeholderView,
)
from recommendations.models.steps import NextStep
from recommendations.models.two_factor import RecoveryCode
from recommendations.rules.choices import Side, Status, Visibility

__all__ = [
    "Council",
    "Edition",
    "EditionFile",
    "NextStep",
    "Official",
    "Organisation",
    "OutcomeDocument",
    "OrganisationContact",
    "Owner",
    "ProgressUpdate",
    "Publication",
    "RecoveryCode",
    "Recommendation",
    "ReportingRound",
    "RoundMail",
    "SignInLink",
    "StakeholderView",
    "Subscription",
    "Side",
    "Status",
    "Topic",
    "Uptake",
    "Visibility",
]
