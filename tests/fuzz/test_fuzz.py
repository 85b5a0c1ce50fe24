"""Property-based fuzzing of every form and filter (issue 6, item 7).

For each target of ``targets.ALL`` hypothesis posts (or, for a filter, gets) random and hostile
submissions: mostly a submission the view accepts with one to three values replaced by hostile
ones and a key or two left out, sometimes nothing but hostile values, sometimes a body that is
not a form at all; with unexpected extra fields, odd GET parameters and, now and then, ids in
the URL that do not exist. ``checks`` says what each answer must keep.

GRIDAPP_FUZZ_EXAMPLES sets the total number of submissions across all targets (default 10,200);
each example runs in a savepoint that is rolled back.
"""

import time
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

import pytest
from django import forms as dj_forms
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import checks, targets
from . import strategies as hostile
from .conftest import COMPLETED, MARKUP_SUBMISSIONS, SECONDS, SUBMISSIONS, examples_per_target

pytestmark = [
    pytest.mark.django_db,
    # The admin lets a list be narrowed by a date typed into the address; Django reads it in the
    # current time zone, and says so.
    pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning"),
]

TARGETS = targets.ALL
EXAMPLES = examples_per_target(TARGETS)
MARKERS = ("<", "javascript:", "onerror", "onload")


@dataclass
class Submission:
    kwargs: dict
    data: dict
    query: dict
    raw: tuple | None = None

    def has_markup(self, names):
        """Whether a value the view reads (not an unexpected extra) carries markup."""
        values = [v for k, v in [*self.data.items(), *self.query.items()] if k in names]
        flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
        return any(isinstance(v, str) and any(m in v.lower() for m in MARKERS) for v in flat)


class Run:
    """One target's fuzzing: its fields, the accepted submission, and the data as it was."""

    def __init__(self, target, world, clients):
        self.target, self.world, self.clients = target, world, clients
        self.client = clients(target.user)
        self.user = None if target.user == "nobody" else getattr(world, target.user)
        self.fields = {}
        for form in target.forms(world):
            self.fields.update(getattr(form, "form", form).fields)  # a FilterSet keeps its form
        self.valid = target.valid(world)
        more = target.more_names(world) if target.more_names else ()
        self.names = sorted({*self.fields, *target.names, *more, *self.valid})
        self.read = {*self.names, *target.query}
        self._ids = {}
        self.values = {
            name: hostile.for_field(self.fields[name], self.ids) if name in self.fields else hostile.anything()
            for name in self.names
        }
        self.draws = _Draws(self)
        self.models = checks.watched_models()
        self.before = checks.snapshot(self.models)
        self.outside = checks.outside(self.user) if target.scoped else None

    def ids(self, model):
        if model not in self._ids:
            self._ids[model] = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        return self._ids[model]

    # --- what is sent -------------------------------------------------------------------------

    def submissions(self):
        return _submissions(self)

    def send(self, sub):
        path = reverse(self.target.url, kwargs=sub.kwargs)
        self.client.cookies.pop("messages", None)  # left over from an earlier example
        if self.target.method == "GET":
            return self.client.get(path, sub.data)
        if sub.query:
            path += "?" + urlencode(sub.query, doseq=True)
        if sub.raw:
            content_type, body = sub.raw
            return self.client.generic("POST", path, data=body, content_type=content_type)
        return self.client.post(path, sub.data)

    # --- what must hold ---------------------------------------------------------------------------

    def check(self, sub):
        with checks.WriteWatch(self.models) as watch:
            response = self.send(sub)
        SUBMISSIONS[self.target.name] += 1
        what = f"{self.target.method} {response.wsgi_request.get_full_path()[:200]} as {self.target.user}"
        assert response.status_code < 500, what
        checks.check_page(response, what)
        accepted = self.target.method == "POST" and self.target.succeeded(response)
        if not accepted:
            if watch.writes:
                changed = checks.differences(self.before, checks.snapshot(self.models))
                assert not changed, f"{what} answered {response.status_code} but changed {changed}"
            return
        if self.outside is not None:
            assert checks.outside(self.user) == self.outside, f"{what} changed rows outside the user's grids"
        if sub.has_markup(self.read):
            self.check_pages(sub, response, what)

    def check_pages(self, sub, response, what, every=False):
        """What was stored shows escaped on the page the view sends the user to, and with
        ``every``, on every page of the target that shows it."""
        if response.has_header("Location"):
            location = urljoin(response.wsgi_request.path, response["Location"])
            shown = self.clients(self.target.user).get(location)
            # A "next" the user gave may lead anywhere on the site; the view's own redirect must work.
            worst = 500 if "next" in sub.data or "next" in sub.query else 400
            assert shown.status_code < worst, f"{what}: redirected to {location}, which answers {shown.status_code}"
            checks.check_page(shown, f"{what} → {location}")
        # Every page is checked by test_stored_markup_is_escaped_everywhere, for every text field;
        # doing it for every example too would take most of the time the examples get.
        for who, url, *method in self.target.pages(self.world) if every else ():
            # A page printed on a POST (the case sheet) is asked for as its button does.
            page = self.clients(who).post(url) if method == ["POST"] else self.clients(who).get(url)
            assert page.status_code < 500, f"{what}, then {url} as {who}"
            checks.check_page(page, f"{what}, then {url} as {who}")


MISSING_IDS = st.sampled_from([0, 2**31, 2**63 - 1, 10**20])


class _Draws:
    """The strategies of one target's submissions, built once."""

    def __init__(self, run):
        target, names = run.target, run.names
        self.kwargs = target.vary(run.world) if target.vary else None
        self.some_names = st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True) if names else None
        self.few_names = st.lists(st.sampled_from(names), max_size=2, unique=True) if names else None
        self.whole = st.fixed_dictionaries({}, optional={name: run.values[name] for name in names})
        self.query = st.fixed_dictionaries({}, optional=dict.fromkeys(target.query, hostile.anything()))


@st.composite
def _submissions(draw, run):
    target, how = run.target, run.draws
    kwargs = draw(how.kwargs) if how.kwargs is not None else target.kwargs(run.world)
    if kwargs and draw(st.integers(0, 24)) == 24:  # an object that does not exist
        kwargs = {k: draw(MISSING_IDS) if isinstance(v, int) else v for k, v in kwargs.items()}
    mode = draw(st.integers(0, 19))
    raw = None
    if mode < 16 or not run.names:
        # The accepted submission with one to three values replaced and perhaps some left out.
        data = dict(run.valid)
        if run.names:
            for name in draw(how.some_names):
                data[name] = draw(run.values[name])
            for name in draw(how.few_names):
                data.pop(name, None)
    elif mode < 19 or target.method == "GET":
        data = draw(how.whole)
    else:
        data, raw = {}, draw(hostile.raw_body())
    data.update(draw(hostile.extra_fields()))
    query = draw(how.query) if target.query else {}
    return Submission(kwargs, data, query, raw)


@pytest.fixture
def no_template_capture(monkeypatch):
    """The test client copies every template context it sees (crispy forms renders dozens per
    page); the properties read the HTML only."""
    monkeypatch.setattr("django.test.client.store_rendered_templates", lambda *args, **kwargs: None)


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_fuzz(target, world, clients, no_template_capture):
    if target.setup:
        target.setup(world)
    run = Run(target, world, clients)

    @settings(
        max_examples=EXAMPLES[target.name],
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(run.submissions())
    def submit(sub):
        with transaction.atomic():
            run.check(sub)
            transaction.set_rollback(True)

    started = time.perf_counter()
    submit()
    SECONDS[target.name] += time.perf_counter() - started
    COMPLETED.add(target.name)


# --- every text field, every page ------------------------------------------------------------------

STORING = [t for t in TARGETS if t.method == "POST" and t.stores]
# In each round every free-text field gets the first payload, or the second where the first is
# longer than the field takes: one breaks out of an attribute, the other is a script.
ROUNDS = (
    ("\"'><img src=x onerror=alert(1) data-fuzz>", '"><b data-fuzz>'),
    ("<script>alert(1)</script>", "<script>"),
)


def _payload(field, round_):
    long, short = ROUNDS[round_]
    return long if not field.max_length or len(long) <= field.max_length else short[: field.max_length]


def _forms_in(value, depth=0):
    """The forms in a template context value: a form, a filter set's or the admin's wrapped form,
    an inline formset's forms, or any of these in a list or tuple."""
    if isinstance(value, dj_forms.BaseForm):
        yield value
    elif isinstance(getattr(value, "form", None), dj_forms.BaseForm):
        yield value.form
    elif hasattr(value, "formset"):
        yield from value.formset.forms
    elif isinstance(value, list | tuple) and depth < 2:
        for item in value:
            yield from _forms_in(item, depth + 1)


def _form_errors(response):
    """The names of the fields the re-rendered forms refused (an inline's, as the admin posts them)."""
    refused = set()
    for context in response.context or ():
        for value in context.flatten().values():
            for form in _forms_in(value):
                if form.is_bound:
                    refused |= {form.add_prefix(name) if name != "__all__" else name for name in form.errors}
    return refused


@pytest.mark.parametrize("target", STORING, ids=str)
def test_stored_markup_is_escaped_everywhere(target, world, clients):
    """The target's accepted submission is accepted (else its mutations would test only the
    first error); and with markup in every free-text field, it is shown escaped on every page
    that shows what the target stores."""
    if target.setup:
        target.setup(world)
    run = Run(target, world, clients)
    with transaction.atomic():
        response = run.send(Submission(target.kwargs(world), dict(run.valid), {}))
        transaction.set_rollback(True)
    assert target.succeeded(response), (response.status_code, _form_errors(response))
    text = [n for n, f in run.fields.items() if isinstance(f, dj_forms.CharField) and not f.widget.is_hidden]
    for round_ in range(len(ROUNDS) if text else 0):
        markup = {name: _payload(run.fields[name], round_) for name in text}
        for _attempt in range(4):
            sub = Submission(target.kwargs(world), {**run.valid, **markup}, {})
            with transaction.atomic():
                response = run.send(sub)
                MARKUP_SUBMISSIONS[target.name] += 1
                checks.check_page(response, f"{target.name} with markup")
                accepted = target.succeeded(response)
                if accepted:
                    run.check_pages(sub, response, f"{target.name} with {sorted(markup)}", every=True)
                transaction.set_rollback(True)
            if accepted:
                break
            refused = _form_errors(response) & set(markup)
            assert refused, f"{target.name}: the accepted submission was refused ({response.status_code}) for no field"
            for name in refused:  # the field's own rules refuse markup (a phone, a URL): fine
                del markup[name]
            if not markup:
                break
        else:
            pytest.fail(f"{target.name}: still refused after dropping the refused fields")
