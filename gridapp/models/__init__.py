"""The models of the register and the platform, by topic; Django and the rest of the code import them
from here (``from gridapp.models import Household``)."""

from .accounts import DataAccess, DataAccessLog, SecurityPolicy, UserSession
from .api_clients import ApiClient, WebhookEvent
from .base import PENDING, Archivable, Confirmable, TimeStamped, Versioned
from .imports import ImportBatch, ImportKind, ImportStatus
from .notifications import Channel, Delivery, DeliveryStatus, Notification, Webhook, WebhookKind, WorkerHeartbeat
from .places import Building, Community, Grid, Town
from .register import (
    Arrival,
    BusinessType,
    Departure,
    Household,
    HouseholdTag,
    HouseholdTagLink,
    PersonCategory,
    Resident,
    ResidentCategoryLink,
    Sex,
    Shop,
    Tenure,
)
from .roles import STAFF_GRANTABLE, PasswordChangeRequired, Role, RoleKind
from .search import SearchKey, SearchKind

__all__ = [
    "ApiClient",
    "WebhookEvent",
    "TimeStamped",
    "Archivable",
    "Versioned",
    "Confirmable",
    "PENDING",
    "Town",
    "PasswordChangeRequired",
    "STAFF_GRANTABLE",
    "Community",
    "Grid",
    "Building",
    "HouseholdTag",
    "Tenure",
    "Household",
    "HouseholdTagLink",
    "PersonCategory",
    "Sex",
    "Arrival",
    "Departure",
    "Resident",
    "ResidentCategoryLink",
    "BusinessType",
    "Shop",
    "RoleKind",
    "Role",
    "SearchKind",
    "SearchKey",
    "WorkerHeartbeat",
    "Notification",
    "Channel",
    "DeliveryStatus",
    "Delivery",
    "WebhookKind",
    "Webhook",
    "UserSession",
    "SecurityPolicy",
    "DataAccess",
    "DataAccessLog",
    "ImportKind",
    "ImportStatus",
    "ImportBatch",
]
