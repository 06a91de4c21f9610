from .accounts import PasswordResetRequest, User
from .areas import AdminArea, AreaLevel, AreaSuccessor, Structure, kept_area
from .attachments import Attachment
from .award_summaries import CommendationSummary, ProposalSummary
from .choices import PUBLISHED_STATUSES, ExemplarKind, Field, Level, Outcome, ReviewKind, Role, Status
from .commendations import (
    Commendation,
    CommendationForm,
    CommendationRound,
    Proposal,
    ProposalStatus,
    RevocationGround,
    SigningCapacity,
)
from .criteria import CriteriaSet, Criterion, CriterionAssessment
from .history import Action, ImportBatch, RegistrationEvent, Source
from .jobs import BackgroundJob, JobKind, JobStatus
from .lineage import AccountFate, LineageEvent, LineageKind, LineageLink, LineageSource
from .notifications import EmailStatus, Notification, NotificationKind
from .plans import PLAN_DATES, YearPlan
from .reasons import ReasonTemplate
from .registrations import RESULT_FIGURES, Registration
from .reviews import Review, YearClosure
from .summaries import (
    BASIS_ACTIONS,
    YEAR_BREAKDOWNS,
    AreaKindSummary,
    AreaYearSummary,
    Basis,
    RegistrationDaySummary,
    RegistrationFacts,
    RegistrationSummary,
    UnitYearSummary,
)
from .units import Unit, UnitKind

__all__ = [
    "Action",
    "AdminArea",
    "AreaLevel",
    "AreaSuccessor",
    "BackgroundJob",
    "Attachment",
    "Commendation",
    "RevocationGround",
    "SigningCapacity",
    "CommendationForm",
    "CommendationRound",
    "CommendationSummary",
    "CriteriaSet",
    "Criterion",
    "EmailStatus",
    "CriterionAssessment",
    "ExemplarKind",
    "Field",
    "ImportBatch",
    "JobKind",
    "JobStatus",
    "Level",
    "Notification",
    "NotificationKind",
    "Outcome",
    "PLAN_DATES",
    "PUBLISHED_STATUSES",
    "Proposal",
    "ProposalStatus",
    "ProposalSummary",
    "RESULT_FIGURES",
    "ReasonTemplate",
    "Registration",
    "RegistrationEvent",
    "RegistrationSummary",
    "RegistrationDaySummary",
    "AreaKindSummary",
    "AreaYearSummary",
    "YEAR_BREAKDOWNS",
    "RegistrationFacts",
    "Basis",
    "BASIS_ACTIONS",
    "UnitYearSummary",
    "Review",
    "ReviewKind",
    "Role",
    "Source",
    "Status",
    "Structure",
    "Unit",
    "UnitKind",
    "User",
    "PasswordResetRequest",
    "AccountFate",
    "LineageEvent",
    "LineageKind",
    "LineageLink",
    "LineageSource",
    "YearClosure",
    "YearPlan",
    "kept_area",
]
