"""The demo accounts, one per role, and the town's departments that cases are referred to.

The published password is for development only: with ``DEBUG`` off no demo account is given
it, and one that still has it loses it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password

from cases.models import Department, DepartmentKind
from gridapp.models import Role, RoleKind

DEMO_PASSWORD = "gridapp-demo-2026"  # noqa: S105 -- a published demo password, printed by seed_demo

# What became of an account's password, for seed_demo's table.
PUBLISHED = "published"  # DEMO_PASSWORD: development only
UNUSABLE = "unusable"  # outside development: nobody logs in until an admin sets a password
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Account:
    username: str
    last_name: str
    first_name: str
    kind: str | None  # a RoleKind, or None for a user who holds no role yet
    grid_number: int | None = None
    label: str = ""
    department: str = ""  # a DepartmentKind: the user is a member of the town's department of that kind


ACCOUNTS = (
    Account("wu", "吴", "佳栋", RoleKind.GRID_WORKER, 1, "grid worker, Grid 1 (Wu Jiadong)"),
    Account("chen", "陈", "晓燕", RoleKind.GRID_WORKER, 2, "grid worker, Grid 2 (Chen Xiaoyan)"),
    Account("staff", "沈", "丽华", RoleKind.COMMUNITY_STAFF, None, "community staff, Dongluchi (Shen Lihua)"),
    Account("admin", "", "管理员", RoleKind.ADMIN, None, "admin (superuser)"),
    Account("li", "李", "烈鸿", RoleKind.HELPER, 1, "grid helper (mediator), Grid 1: Old Li, the party group leader"),
    Account(
        "police",
        "孙",
        "志强",
        None,
        None,
        "department: Linpu police station, Dongluchi's officer (one grid, one police officer)",
        DepartmentKind.POLICE,
    ),
    Account(
        "build",
        "楼",
        "建平",
        None,
        None,
        "department: town construction & planning office",
        DepartmentKind.CONSTRUCTION,
    ),
    Account(
        "agri", "施", "卫东", None, None, "department: town agriculture & rural office", DepartmentKind.AGRICULTURE
    ),
    Account(
        "repair",
        "钱",
        "国强",
        None,
        None,
        "department: the renovation contractor of Dongluchi's old buildings",
        DepartmentKind.CONTRACTOR,
    ),
)

# The town's departments that cases are referred to: (name, kind). The police station is the
# article's 临浦派出所 (a town has one; its officer for Dongluchi is the grid's part-time grid
# worker); the contractor is the one renovating Dongluchi's old buildings, which assists the
# construction office on story 5 (协办) with the agriculture office.
DEPARTMENTS = (
    ("临浦派出所", DepartmentKind.POLICE),
    ("临浦镇建设规划办", DepartmentKind.CONSTRUCTION),
    ("临浦镇农业农村办", DepartmentKind.AGRICULTURE),
    ("东麓池老旧小区改造施工方", DepartmentKind.CONTRACTOR),
)


def ensure_departments(community):
    """Create the town's departments if missing; return them by kind."""
    departments = {}
    for name, kind in DEPARTMENTS:
        departments[kind], _ = Department.objects.get_or_create(town=community.town, name=name, defaults={"kind": kind})
    return departments


class Passwords:
    """Gives the demo accounts their passwords: the published one only in development (``DEBUG``
    on), when the account is created or on request, so a re-run does not undo a changed
    password. Outside development a new account gets an unusable password — an admin sets a
    real one (``manage.py changepassword``) if it is to be used — and an account that still has
    the published password, from a database seeded in development, loses it."""

    def __init__(self, *, reset):
        if reset and not settings.DEBUG:
            raise ValueError("The published demo password is set only in development (DEBUG on).")
        self.reset = reset
        self.hashed = None  # hashed once for all: the password is published, and a hash takes half a second

    def give(self, user, *, created):
        """Set ``user``'s password if it must change; return PUBLISHED, UNUSABLE or UNCHANGED."""
        if settings.DEBUG:
            if not (created or self.reset):
                return UNCHANGED
            validate_password(DEMO_PASSWORD, user)
            self.hashed = self.hashed or make_password(DEMO_PASSWORD)
            user.password = self.hashed
        elif created or user.check_password(DEMO_PASSWORD):
            user.set_unusable_password()
        else:
            return UNCHANGED
        user.save(update_fields=["password"])
        return PUBLISHED if settings.DEBUG else UNUSABLE


def ensure_accounts(community, *, reset_passwords=False, departments=None):
    """Create the demo users, their roles and department memberships if missing; return rows
    (username, name, label, what became of the password, note) for the summary table."""
    departments = departments or {}
    passwords = Passwords(reset=reset_passwords)
    User = get_user_model()
    grids = {g.number: g for g in community.grids.all()} if community else {}
    rows = []
    for account in ACCOUNTS:
        is_admin = account.kind == RoleKind.ADMIN
        user, created = User.objects.update_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@example.com",
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        password = passwords.give(user, created=created)
        note = ""
        if account.kind in (RoleKind.GRID_WORKER, RoleKind.HELPER):
            grid = grids.get(account.grid_number)
            if grid is None:
                note = f"Grid {account.grid_number} missing: no role given"
            else:
                Role.objects.get_or_create(user=user, kind=account.kind, grid=grid, community=None)
        elif account.kind == RoleKind.COMMUNITY_STAFF:
            if community is None:
                note = "community missing: no role given"
            else:
                Role.objects.get_or_create(user=user, kind=account.kind, grid=None, community=community)
        elif is_admin:
            Role.objects.get_or_create(user=user, kind=account.kind, grid=None, community=None)
        if account.department:
            department = departments.get(account.department)
            if department is None:
                note = "department missing: not a member"
            else:
                department.members.add(user)
        # Chinese order: family name first.
        rows.append((account.username, f"{user.last_name}{user.first_name}", account.label, password, note))
    return rows
