"""No lost updates: two people open the same case; the first acts; the second's submission is
answered with "the case changed", what changed, and their typed note still in the form."""

import pytest

from cases import services
from cases.models import CaseEvent

from .conftest import act, fresh


def loaded_form(client, case, action_name):
    """The case page as this user sees it now, and the form of one action on it."""
    page = client.get(case.get_absolute_url())
    forms = {action.name: form for action, form in page.context["action_forms"]}
    return forms[action_name]


def what_changed(page):
    """The text of the "case changed" notice."""
    start = page.index('id="conflict"')
    return page[start : page.index("</div>\n", page.index("</ul>", start))]


def submit(client, case, action_name, form, **typed):
    data = {"version": form["version"].value(), **typed}
    return client.post(f"/cases/{case.pk}/act/{action_name}/", data)


def test_wus_resolution_typed_on_a_stale_page_is_kept_and_the_staff_extension_stands(
    as_user, case_in, wu, staff, client, django_user_model
):
    case = case_in("handling")
    act(case, "extend", wu, note="物业周五才能上门")  # Wu asked for more time earlier
    wu_client = as_user(wu)
    wus_form = loaded_form(wu_client, case, "resolve")
    due_before = fresh(case).due_at

    # Meanwhile the office approves the extension (their own session).
    act(case, "approve_extension", staff, note="同意延期")
    assert fresh(case).due_at > due_before

    response = submit(wu_client, case, "resolve", wus_form, note="已联系物业修好水管")
    assert response.status_code == 409
    page = response.content.decode()
    assert "This case changed while you were working on it." in page
    assert "staff: Approve the extension → Handling (grid) — Deadline moved from" in what_changed(page)
    assert "同意延期" in what_changed(page)
    # What Wu typed is still in the resolve form, now based on the current version.
    form = {action.name: form for action, form in response.context["action_forms"]}["resolve"]
    assert form["note"].value() == "已联系物业修好水管"
    assert int(form["version"].value()) == fresh(case).version
    assert "已联系物业修好水管</textarea>" in page
    # Nothing of Wu's was saved: the case is as the office left it.
    case_now = fresh(case)
    assert (case_now.state, case_now.resolved_at) == ("handling", None)
    assert list(case_now.events.values_list("action", flat=True))[-1] == "approve_extension"

    # Having read what changed, Wu sends it again as it stands.
    response = submit(wu_client, case, "resolve", form, note=form["note"].value())
    assert response.status_code == 302
    assert fresh(case).state == "resolved"


def test_an_action_the_change_made_impossible_is_answered_with_what_changed_not_refused(as_user, case_in, wu, staff):
    case = case_in("handling")
    staff_client = as_user(staff)
    staffs_form = loaded_form(staff_client, case, "escalate")

    act(case, "resolve", wu, note="已自行修好")  # Wu was quicker

    response = submit(staff_client, case, "escalate", staffs_form, note="请社区协调物业")
    assert response.status_code == 409
    page = response.content.decode()
    assert "This case changed while you were working on it." in page
    assert "吴佳栋: Mark resolved → Resolved, awaiting verification — 已自行修好" in what_changed(page)
    # Escalating is no longer possible, but what staff typed is not lost.
    assert "“Escalate to the community” is no longer possible. What you typed:" in what_changed(page)
    assert "请社区协调物业</textarea>" in what_changed(page)
    assert fresh(case).state == "resolved"
    assert not CaseEvent.objects.filter(case=case, action="escalate").exists()


def test_the_service_refuses_a_change_based_on_an_old_version(case_in, wu, staff):
    case = case_in("handling")
    stale_version = case.version
    act(case, "extend", staff, note="等物业回复")
    with pytest.raises(services.CaseChanged) as changed:
        services.perform(
            case=fresh(case),
            action_name="resolve",
            by=wu,
            version=stale_version,
            change=services.Change(note="已修好"),
        )
    assert [e.action for e in changed.value.events] == ["extend"]
    assert fresh(case).state == "handling"
    assert not CaseEvent.objects.filter(case=case, action="resolve").exists()
