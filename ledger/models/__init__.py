"""Every table of the ledger, importable from one place."""

from ledger.i18n import LANGUAGES
from ledger.models.audit import AuditEvent, Seal
from ledger.models.awards import Award, AwardLine, Reversal, ServiceKind
from ledger.models.bonus import BonusRun, BonusRunLine, Conversion
from ledger.models.chain import TransferSeal
from ledger.models.identity import LINK_PURPOSES, PasswordLink
from ledger.models.ledger import (
    ACCOUNT_KINDS,
    SYSTEM_ACCOUNT_KINDS,
    Account,
    Operation,
    Period,
    Policy,
    Transfer,
)
from ledger.models.outbox import DELIVERY_STATUSES, Delivery, OutboxEvent, Webhook
from ledger.models.people import ROLES, USER_KINDS, Department, User
from ledger.models.reach import (
    NOTICE_KINDS,
    SETTING_KINDS,
    Notification,
    NotificationSetting,
    SlackLink,
)
from ledger.models.requests import (
    REQUEST_EVENT_KINDS,
    RequestAwardLine,
    ServiceRequest,
    ServiceRequestEvent,
)
from ledger.models.rollups import RecipientMonth
from ledger.models.tokens import SCOPES, ApiToken

APPEND_ONLY_TABLES = (
    "transfers",
    "awards",
    "award_lines",
    "reversals",
    "audit_events",
    "seals",
    "transfer_seals",
    "service_requests",
    "service_request_events",
    "request_award_lines",
)
# Derived from the tables above by triggers: left out of backups, rebuilt on restore.
DERIVED_TABLES = ("recipient_months",)

__all__ = [
    "ACCOUNT_KINDS",
    "APPEND_ONLY_TABLES",
    "DELIVERY_STATUSES",
    "DERIVED_TABLES",
    "LANGUAGES",
    "LINK_PURPOSES",
    "NOTICE_KINDS",
    "REQUEST_EVENT_KINDS",
    "ROLES",
    "SCOPES",
    "SETTING_KINDS",
    "SYSTEM_ACCOUNT_KINDS",
    "USER_KINDS",
    "Account",
    "ApiToken",
    "AuditEvent",
    "Award",
    "AwardLine",
    "BonusRun",
    "BonusRunLine",
    "Conversion",
    "Delivery",
    "Department",
    "Notification",
    "NotificationSetting",
    "Operation",
    "OutboxEvent",
    "PasswordLink",
    "Period",
    "Policy",
    "RecipientMonth",
    "RequestAwardLine",
    "Reversal",
    "Seal",
    "ServiceKind",
    "ServiceRequest",
    "ServiceRequestEvent",
    "SlackLink",
    "Transfer",
    "TransferSeal",
    "User",
    "Webhook",
]
