"""Where a case is reported from, and what that tells the intake form: "report a case" on a
household's, shop's or building's page (``?household=``, ``?shop=``, ``?building=``), on a
saved visit (``?visit=``) or on a hazard escalated to a case (``?hazard=``). The grid and the
place are known; on a visit, so are the residents seen (the first is the complainant), the
channel and the notes (the description's start); on a hazard, its kind, risk and what was found.
A worker reporting from a visit types only the title and what is new.

The place is fetched through the scope: another grid's worker gets a 404, as on its page.
"""

from dataclasses import dataclass, field

from gridapp import scope
from gridapp.core.forms import id_param
from visits import scope as visit_scope

from .models import Channel


@dataclass
class Origin:
    initial: dict = field(default_factory=dict)
    place: object = None  # the page the intake links back to
    visit_id: int | None = None
    key: str = "new"  # where from, for the draft kept on the phone ("household:42")
    hazard_id: int | None = None  # the hazard escalated (its case closes it when fixed)


def origin(user, query):
    """The origin named in ``query`` (a visit first); none when it names nothing readable."""
    if (pk := id_param(query.get("visit"))) is not None:
        visit = visit_scope.get_visit(user, pk)
        return Origin(from_visit(visit), visit, visit.pk, f"visit:{pk}")
    if (pk := id_param(query.get("hazard"))) is not None:
        hazard = visit_scope.get_hazard(user, pk)
        return Origin(from_hazard(hazard), hazard, hazard_id=hazard.pk, key=f"hazard:{pk}")
    if (pk := id_param(query.get("household"))) is not None:
        household = scope.get_household(user, pk)
        found = _found_by(user, household.grid_id, Channel.VISIT)
        return Origin(
            {"grid": household.grid_id, "households": [household.pk], **found}, household, key=f"household:{pk}"
        )
    if (pk := id_param(query.get("shop"))) is not None:
        shop = scope.get_shop(user, pk)
        found = _found_by(user, shop.grid_id, Channel.VISIT)
        return Origin({"grid": shop.grid_id, "shops": [shop.pk], **found}, shop, key=f"shop:{pk}")
    if (pk := id_param(query.get("building"))) is not None:
        building = scope.get_building(user, pk)
        found = _found_by(user, building.grid_id, Channel.PATROL)
        return Origin({"grid": building.grid_id, "building": building.pk, **found}, building, key=f"building:{pk}")
    return Origin()


def from_visit(visit):
    """What a case raised on a visit starts with: the visit's grid, place, notes and the first
    resident seen as the complainant."""
    return {
        "grid": visit.grid_id,
        "channel": Channel.VISIT,
        "description": visit.notes,
        "households": [visit.household_id] if visit.household_id else [],
        "shops": [visit.shop_id] if visit.shop_id else [],
        "complainant": visit.residents_seen.values_list("resident_id", flat=True).first(),
    }


def from_hazard(hazard):
    """What a hazard escalated to a case starts with: its grid, its place and what was found."""
    description = "\n".join(
        p for p in (f"{hazard.kind} · {hazard.get_risk_display()}", hazard.where, hazard.description) if p
    )
    return {
        "grid": hazard.grid_id,
        "channel": Channel.PATROL,
        "title": f"{hazard.kind}：{hazard.where}"[:100],
        "description": description,
        "households": [hazard.household_id] if hazard.household_id else [],
        "shops": [hazard.shop_id] if hazard.shop_id else [],
        "building": hazard.building_id,
    }


def _found_by(user, grid_id, channel):
    """The grid's own worker on a place's page is out in the grid (a visit, a patrol); anyone
    else is at the office, where the form's default channel (walk-in) holds."""
    return {"channel": channel} if grid_id in scope.for_user(user).worker_grid_ids else {}
