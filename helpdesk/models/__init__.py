"""The data model for the whole product."""

from knowledge.categories import CATEGORY_LABELS  # re-exported: the one category list, for older imports

from ._base import utcnow
from .audit import AuditEvent, record_event
from .cluster import Blob, BlobChunk, ChangeCounter, IndexChange, JobRun
from .dashboard import DashboardArticleDay, DashboardDay, DashboardDirtyDay, DashboardWeekMedian
from .kb import Article, ArticleFeedback, ArticleRelated, ArticleRevision, SearchLog
from .mail import MailboxState, OutboxMail, QuarantinedMail
from .organisations import Organisation, OrganisationDomain
from .security import RateLimitCounter, RecoveryCode, UserSession
from .settings import AppSetting
from .tickets import (
    KINDS,
    STATUS_LABELS,
    STATUSES,
    Attachment,
    CannedReply,
    Ticket,
    TicketMessage,
    TicketSearchDocument,
    TicketView,
    TriageFeedback,
)
from .users import NOTIFICATION_KINDS, ROLE_LABELS, ROLES, NotificationSettings, Requester, User

__all__ = [
    "CATEGORY_LABELS", "KINDS", "NOTIFICATION_KINDS", "ROLES", "ROLE_LABELS", "STATUSES", "STATUS_LABELS",
    "AppSetting", "Article", "ArticleFeedback", "ArticleRelated", "ArticleRevision", "Attachment", "AuditEvent",
    "CannedReply",
    "Blob", "BlobChunk", "ChangeCounter", "DashboardArticleDay", "DashboardDay", "DashboardDirtyDay",
    "DashboardWeekMedian", "IndexChange",
    "JobRun",
    "MailboxState", "NotificationSettings", "Organisation", "OrganisationDomain", "OutboxMail", "QuarantinedMail",
    "RateLimitCounter", "RecoveryCode",
    "Requester", "SearchLog", "Ticket", "TicketMessage", "TicketSearchDocument",
    "TicketView", "TriageFeedback", "User", "UserSession", "record_event", "utcnow",
]
