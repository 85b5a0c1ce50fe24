"""The household register: Town → Community → Grid → Building → Household / Shop → Resident,
and who holds which role where.

Households, residents and shops are archived (``archived_at``), never deleted.
"""

import datetime

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .validators import validate_id_number, validate_mobile, validate_phone


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Archivable(models.Model):
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self):
        return self.archived_at is not None


class Town(TimeStamped):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Community(TimeStamped):
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="communities", verbose_name=_("town"))
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_("Short upper-case code used in case numbers, e.g. DLC."),
    )

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["town__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="community_unique_name_per_town"),
        ]

    def __str__(self):
        return self.name


class Grid(TimeStamped):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="grid_unique_number_per_community"),
        ]

    def __str__(self):
        return f"{self.community.name} {self.name}"

    def get_absolute_url(self):
        return reverse("grid_detail", args=[self.pk])


class Building(TimeStamped):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("community")
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("grid"))
    road = models.CharField(_("road"), max_length=100)
    number = models.CharField(_("building number"), max_length=20, help_text=_("The number before 幢, e.g. 4."))
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Optional, e.g. an estate name."))
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["road", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "road", "number"], name="building_unique_road_number_per_community"
            ),
        ]

    def __str__(self):
        return f"{self.road}{self.number}幢"

    def get_absolute_url(self):
        return reverse("building_detail", args=[self.pk])


class HouseholdTag(models.TextChoices):
    EMPTY_NEST = "empty_nest", _("Empty-nest")
    LIVING_ALONE = "living_alone", _("Living alone")
    LOW_INCOME = "low_income", _("Low income")
    DISABILITY = "disability", _("Disability")
    KEY_CARE = "key_care", _("Key care")


class Tenure(models.TextChoices):
    OWNER = "owner", _("Owner-occupied")
    RENTED = "rented", _("Rented")
    OTHER = "other", _("Other")


class Household(TimeStamped, Archivable):
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="households", verbose_name=_("grid"))
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("building"),
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)
    address = models.CharField(
        _("address"),
        max_length=200,
        blank=True,
        help_text=_("Filled in from the building, unit and room; write it out for a place without a building."),
    )
    head_name = models.CharField(_("head of household"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    tenure = models.CharField(_("tenure"), max_length=10, choices=Tenure.choices, default=Tenure.OWNER)
    landlord_name = models.CharField(_("landlord"), max_length=50, blank=True)
    landlord_phone = models.CharField(_("landlord's phone"), max_length=20, blank=True, validators=[validate_phone])
    landlord_address = models.CharField(_("landlord's address"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["address"]
        indexes = [
            # The grid page lists a grid's current households by address.
            models.Index(fields=["grid", "address"], name="household_grid_address_idx"),
            models.Index(fields=["phone"], name="household_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(address=""),
                name="household_address_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.address} {self.head_name}"

    def get_absolute_url(self):
        return reverse("household_detail", args=[self.pk])

    def compose_address(self):
        if not self.building_id:
            return self.address
        parts = [str(self.building)]
        if self.unit:
            parts.append(f"{self.unit}单元" if self.unit.isdigit() else self.unit)
        if self.room:
            parts.append(f"{self.room}室" if self.room.isdigit() else self.room)
        return "".join(parts)

    def tag_values(self):
        return [t.tag for t in self.tags.all()]

    def tag_labels(self):
        return [HouseholdTag(t.tag).label for t in self.tags.all()]


class HouseholdTagLink(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=20, choices=HouseholdTag.choices)
    history = HistoricalRecords()  # a tag added or removed is part of the household's history

    class Meta:
        verbose_name = _("household tag")
        verbose_name_plural = _("household tags")
        constraints = [
            models.UniqueConstraint(fields=["household", "tag"], name="household_tag_unique"),
        ]
        indexes = [models.Index(fields=["tag", "household"], name="household_tag_filter_idx")]

    def __str__(self):
        return self.get_tag_display()


class PersonCategory(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
    DISABLED = "disabled", _("Disabled")
    MEDICAL_EQUIPMENT = "medical_equipment", _("Depends on medical equipment")
    TENANT = "tenant", _("Tenant / floating population")
    PARTY_MEMBER = "party_member", _("Party member")
    LOW_INCOME = "low_income", _("Low income")
    VETERAN = "veteran", _("Veteran")
    MINOR = "minor", _("Minor needing care")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Resident(TimeStamped, Archivable):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True, validators=[validate_id_number])
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, validators=[validate_mobile])
    is_head = models.BooleanField(_("head of household"), default=False)
    relation_to_head = models.CharField(_("relation to head"), max_length=30, blank=True)
    health_notes = models.TextField(
        _("health notes"),
        blank=True,
        help_text=_("What a visitor must know, e.g. depends on a home ventilator."),
    )
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=50, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    emergency_contact_relation = models.CharField(_("relation"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "-is_head", "date_of_birth"]
        # Which roles hold it by default: gridapp.scope.ROLE_PERMISSIONS.
        permissions = [
            ("reveal_id_number", _("Can reveal a resident's full ID number")),
            ("export_personal_data", _("Can export residents' personal data")),
        ]
        constraints = [
            # Blank IDs are allowed (children, unknown); a real one is registered once.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="resident_unique_id_number",
            ),
        ]
        indexes = [
            models.Index(fields=["household"], name="resident_household_idx"),
            models.Index(Lower("name"), name="resident_name_idx"),
            models.Index(fields=["mobile"], name="resident_mobile_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resident_detail", args=[self.pk])

    def age_on(self, day):
        return (
            day.year
            - self.date_of_birth.year
            - ((day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day))
        )

    @property
    def age(self):
        return self.age_on(timezone.localdate())

    def category_values(self):
        return [c.category for c in self.categories.all()]

    def category_labels(self):
        return [PersonCategory(c.category).label for c in self.categories.all()]


class ResidentCategoryLink(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("person category"), max_length=20, choices=PersonCategory.choices)
    history = HistoricalRecords()  # categories set check-in cadences: who changed them matters

    class Meta:
        verbose_name = _("person category")
        verbose_name_plural = _("person categories")
        constraints = [
            models.UniqueConstraint(fields=["resident", "category"], name="resident_category_unique"),
        ]
        indexes = [models.Index(fields=["category", "resident"], name="resident_category_filter_idx")]

    def __str__(self):
        return self.get_category_display()


class BusinessType(models.TextChoices):
    RETAIL = "retail", _("Retail")
    FOOD = "food", _("Restaurant / food")
    SERVICE = "service", _("Services")
    REPAIR = "repair", _("Repair")
    WAREHOUSE = "warehouse", _("Warehouse / workshop")
    OTHER = "other", _("Other")


class Shop(TimeStamped, Archivable):
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="shops", verbose_name=_("grid"))
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="shops", verbose_name=_("building")
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    business_type = models.CharField(
        _("business type"), max_length=20, choices=BusinessType.choices, default=BusinessType.RETAIL
    )
    street_front = models.BooleanField(_("street-front"), default=True)
    operator_name = models.CharField(_("owner / operator"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    licence_number = models.CharField(_("business licence number"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["address", "name"]
        indexes = [models.Index(fields=["grid", "address"], name="shop_grid_address_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop_detail", args=[self.pk])


class RoleKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    ADMIN = "admin", _("Administrator")


class Role(TimeStamped):
    """One role a user holds: a grid worker of a grid, staff of a community, or an admin.

    Read through ``gridapp.scope`` only; nothing else decides what a role may see.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gridapp_roles", verbose_name=_("user")
    )
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    grid = models.ForeignKey(
        Grid, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("grid")
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("community")
    )
    part_time = models.BooleanField(_("part-time"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="grid_worker", grid__isnull=False, community__isnull=True)
                    | Q(kind="community_staff", grid__isnull=True, community__isnull=False)
                    | Q(kind="admin", grid__isnull=True, community__isnull=True)
                ),
                name="role_scope_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "grid"], condition=Q(kind="grid_worker"), name="role_unique_worker_grid"
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "community"],
                condition=Q(kind="community_staff"),
                name="role_unique_staff_community",
            ),
            models.UniqueConstraint(fields=["user"], condition=Q(kind="admin"), name="role_unique_admin"),
        ]

    def __str__(self):
        where = self.grid or self.community or ""
        return f"{self.user} · {self.get_kind_display()} {where}".strip()


class WorkerHeartbeat(models.Model):
    """The last time the Celery worker ran its periodic heartbeat; shown to admins."""

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M}"

    @property
    def is_recent(self):
        return timezone.now() - self.seen_at < datetime.timedelta(minutes=5)


# --- notifications: the inbox and its delivery channels (see gridapp/notify.py) ----------


class Notification(models.Model):
    """One message in a user's in-app inbox; other channels deliver copies of it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("community")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The navbar's unread count and the inbox list.
            models.Index(
                fields=["recipient", "-created_at"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.subject


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One notification sent through one channel; claimed before sending, so a retried or
    duplicated task sends nothing twice."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(_("sent to"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_one_per_channel"),
        ]
        indexes = [
            # The retry sweep and the failed-deliveries page.
            models.Index(fields=["status", "created_at"], name="delivery_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    GENERIC = "generic", _("Generic JSON")


class Webhook(TimeStamped):
    """A community's group robot: digests and escalations are posted there as JSON."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="webhook", verbose_name=_("community")
    )
    url = models.URLField(_("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    kind = models.CharField(_("kind"), max_length=10, choices=WebhookKind.choices, default=WebhookKind.WECOM)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return f"{self.community} · {self.get_kind_display()}"


class UserSession(AbstractBaseSession):
    """A session row that also names its user (Django's documented way to extend the database
    session engine), so ending all of a user's sessions is one indexed DELETE however many
    sessions exist; see ``gridapp.sessions``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "gridapp_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class SecurityPolicy(models.Model):
    """The one row of site-wide security switches that admins change in the admin."""

    require_otp_for_staff = models.BooleanField(
        _("require two-factor authentication for staff and admins"),
        default=False,
        help_text=_(
            "Community staff and administrators must enter a code from an authenticator app after their "
            "password; those without one are asked to set it up before anything else."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="securitypolicy_single_row")]

    def __str__(self):
        return str(_("Security policy"))

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class DataAccess(models.TextChoices):
    REVEAL_ID = "reveal_id", _("Revealed the full ID number")
    EXPORT = "export", _("Exported personal data")


class DataAccessLog(models.Model):
    """Who saw or took out a resident's personal data beyond what pages show, when, from where
    and why (PIPL): written by ``gridapp.privacy``, read by the community's staff and admins,
    never changed or deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=20, choices=DataAccess.choices)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log",
        verbose_name=_("resident"),
    )
    # The community whose staff read this entry, kept at the time of access (an export of a
    # list names no single resident).
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    # What an export took out, e.g. "Residents of Grid 1", and how many rows; blank for a reveal.
    subject = models.CharField(_("what"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-created_at"]
        indexes = [
            # The access log page: a community's entries, newest first.
            models.Index(fields=["community", "-created_at"], name="dataaccess_community_idx"),
            # The same, narrowed to one resident (linked from the resident's page).
            models.Index(fields=["resident", "-created_at"], name="dataaccess_resident_idx"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"


# --- imports of the register (see gridapp/imports/) ----------------------------------------


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Households and residents")
    SHOPS = "shops", _("Shops")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    READY = "ready", _("Ready to import")
    HAS_ERRORS = "has_errors", _("Has errors")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class ImportBatch(TimeStamped):
    """One uploaded register file: checked (preview), then imported in one transaction or not at
    all. Its status moves only through ``gridapp.imports.services``; kept, never deleted: it
    says who brought which rows into the register, and the history rows name it."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="imports", verbose_name=_("grid"))
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Relative to MEDIA_ROOT/imports; the worker reads the file from there.
    stored_path = models.CharField(_("stored file"), max_length=300)
    file_format = models.CharField(_("format"), max_length=10)  # xlsx or csv
    language = models.CharField(_("language"), max_length=10, default="zh-hans")  # of the error messages
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    # {"households": {"created": 3, "updated": 1, "unchanged": 0}, "residents": {…}, "shops": {…}}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [{"row": 4312, "column": "身份证号", "message": "…"}, …], at most GRIDAPP_IMPORT_MAX_ERRORS
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at"]
        indexes = [
            # The imports page: the batches of the user's grids, newest first.
            models.Index(fields=["grid", "-created_at"], name="importbatch_grid_idx"),
        ]

    def __str__(self):
        return f"{self.filename} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("import_detail", args=[self.pk])

    @property
    def change_reason(self):
        """The history rows of what this import changed carry this reason."""
        return f"import:{self.pk}"
