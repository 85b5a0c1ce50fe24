"""Requests: filed by the hotline (POST), followed by it (GET, one or a page of them, a token),
and the updates since a time (FixMyStreet's ``servicerequestupdates``) from the PUBLIC timeline
entries only. Everything read starts from the client's user's scope (``cases.scope``)."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from cases import hotline
from cases import scope as case_scope
from cases.hotline_models import HotlineRequest
from cases.models import OPEN_STATES, CaseEvent, State
from cases.workflow import entry_label
from gridapp.accounts.privacy import Seen

from . import params, render
from .base import client_of, endpoint, log_read
from .params import Problem
from .services import category

MAX_IDS = 100


def status(state):
    """open while the case is in the lifecycle's loop; closed once rejected, closed or fed back."""
    return "open" if state in OPEN_STATES else "closed"


def _cases(client):
    public = CaseEvent.objects.filter(case=OuterRef("pk"), public=True).order_by("-created_at", "-pk")
    latest = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        case_scope.cases(client.user)
        .select_related("hotline_request", "building")
        .annotate(
            status_notes=Subquery(public.values("note")[:1]),
            updated=Subquery(latest.values("created_at")[:1]),
        )
    )


def _request_row(case):
    sent = getattr(case, "hotline_request", None)
    agency = case.department.name if case.department_id else f"{case.community.name} · {case.get_level_display()}"
    return [
        ("service_request_id", case.number),
        ("status", status(case.state)),
        ("status_notes", case.status_notes or ""),
        ("service_name", case.category.name),
        ("service_code", str(case.category_id)),
        ("description", case.description),
        ("agency_responsible", agency),
        ("service_notice", case.category.promise),
        ("requested_datetime", render.when(case.reported_at)),
        ("updated_datetime", render.when(case.updated or case.reported_at)),
        ("expected_datetime", render.when(case.due_at)),
        ("address", sent.address_string if sent else (str(case.building) if case.building_id else "")),
        ("address_id", ""),
        ("zipcode", ""),
        ("lat", str(sent.lat) if sent and sent.lat is not None else ""),
        ("long", str(sent.long) if sent and sent.long is not None else ""),
        ("media_url", sent.media_url if sent else ""),
    ]


def _seen(cases):
    return [Seen(c.community_id, c.complainant_id) for c in cases]


@endpoint(methods=("GET", "POST"))
def request_list(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    client = client_of(request)
    query = request.GET
    qs = _cases(client)
    if query.get("service_request_id"):
        numbers = [n.strip() for n in query["service_request_id"].split(",") if n.strip()]
        if not all(map(params.printable, numbers)):
            raise params.bad("service_request_id", _("No such request."))
        if len(numbers) > MAX_IDS:
            raise params.bad("service_request_id", _("At most %(cap)d ids.") % {"cap": MAX_IDS})
        qs = qs.filter(number__in=numbers)  # the specification: the other filters are ignored
    else:
        start, end = params.period(query)
        qs = qs.filter(reported_at__gte=start, reported_at__lte=end)
        if query.get("service_code"):
            qs = qs.filter(category=category(query["service_code"]))
        if query.get("status"):
            wanted = set(query["status"].split(","))
            if not wanted <= {"open", "closed"}:
                raise params.bad("status", _("Choose open or closed."))
            if wanted == {"open"}:
                qs = qs.filter(state__in=OPEN_STATES)
            elif wanted == {"closed"}:
                qs = qs.exclude(state__in=OPEN_STATES)
    page, size = params.paging(query)
    cases = list(qs.order_by("-reported_at", "-pk")[(page - 1) * size : page * size])
    log_read(request, client, _seen(cases), "requests")
    return render.answer(fmt, "service_requests", "request", [_request_row(c) for c in cases])


@endpoint()
def request_detail(request, fmt, number):
    client = client_of(request)
    case = _cases(client).filter(number=number).first() if params.printable(number) else None
    if case is None:
        raise Problem(404, _("service_request_id: no such request."))
    log_read(request, client, _seen([case]), "requests")
    return render.answer(fmt, "service_requests", "request", [_request_row(case)])


def _create(request, fmt):
    data = params.body(request)
    client = client_of(request, data)
    if not data.get("service_code"):
        raise params.bad("service_code", _("This field is required."))
    found = category(data["service_code"])
    fields = params.new_request(data)
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise params.bad("Idempotency-Key", _("At most %(limit)d characters.") % {"limit": 100})
    received = hotline.receive(client, idempotency_key=key, category=found, **fields)
    sent = received.request
    if sent.case_id:
        first = ("service_request_id", sent.case.number)
        notice = found.promise
    else:
        first = ("token", sent.token)
        notice = _("Received; the town office will pass it to the community the address is in.")
    row = [first, ("service_notice", notice), ("account_id", "")]
    return render.answer(fmt, "service_requests", "request", [row], status=201 if received.created else 200)


@endpoint()
def token(request, fmt, token):
    client = client_of(request)
    sent = None
    if params.printable(token):
        sent = HotlineRequest.objects.select_related("case").filter(client=client, token=token).first()
    if sent is None:
        raise Problem(404, _("token: no such token."))
    row = [("service_request_id", sent.case.number if sent.case_id else ""), ("token", sent.token)]
    return render.answer(fmt, "service_requests", "request", [row])


@endpoint()
def updates(request, fmt):
    """The public timeline entries of the client's cases, written in the period, oldest first."""
    client = client_of(request)
    start, end = params.period(request.GET)
    page, size = params.paging(request.GET)
    events = (
        CaseEvent.objects.filter(
            public=True,
            case__in=case_scope.cases(client.user).values("pk"),
            created_at__gte=start,
            created_at__lte=end,
        )
        .select_related("case")
        .order_by("created_at", "pk")[(page - 1) * size : page * size]
    )
    events = list(events)
    log_read(request, client, _seen([e.case for e in events]), "updates")
    rows = [
        [
            ("update_id", str(e.pk)),
            ("service_request_id", e.case.number),
            ("status", status(e.to_state or State.REPORTED)),
            ("updated_datetime", render.when(e.created_at)),
            ("description", e.note or str(entry_label(e.action))),
            ("media_url", ""),
        ]
        for e in events
    ]
    return render.answer(fmt, "service_requests_updates", "request_update", rows)
