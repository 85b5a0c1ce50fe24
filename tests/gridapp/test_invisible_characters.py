"""Characters nobody can see — a zero-width space, a right-to-left override, a byte order mark —
in a name or a phone make a second 任爱香 that no search finds, or a number that reads backwards.
Every form that takes a name or a phone refuses them with a message saying which character and
where, and saves nothing; free text (a visit's notes, a follow-up) keeps its line breaks and the
emoji a phone keyboard makes. (The import: tests/imports/test_template_samples.py.)

Pages are requested in English (the language cookie) so messages read as written here.
"""

import datetime
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case, Category, MediationRecord
from cases.services import case_report
from gridapp.core.validators import validate_visible_lines, validate_visible_text
from gridapp.models import Building, Household, Resident, Shop
from visits.models import FollowUp, Visit
from visits.services import NewFollowUp, log_visit

ZWSP, RLO, BOM, LRI, HANGUL_FILLER = "\u200b", "\u202e", "\ufeff", "\u2066", "\u3164"
MESSAGE = "is invisible or changes the direction of the text"


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return log_in


def error_on(response, field):
    assert response.status_code == 200, "an invalid form comes back, nothing is saved"
    errors = response.context["form"].errors
    assert field in errors, errors
    return " ".join(errors[field])


# --- the validators ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["任爱香", "买买提·艾力", "欧阳 晓燕", "𠀾婷", "0571-82345678", "Anna-Lena O'Neil"])
def test_names_people_have_pass(name):
    validate_visible_text(name)


@pytest.mark.parametrize(
    ("text", "where", "which"),
    [
        (f"任{ZWSP}爱香", 2, "U+200B ZERO WIDTH SPACE"),
        (f"{RLO}香爱任", 1, "U+202E RIGHT-TO-LEFT OVERRIDE"),
        (f"任爱香{BOM}", 4, "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        (f"139{LRI}00001111", 4, "U+2066 LEFT-TO-RIGHT ISOLATE"),
        (f"任{HANGUL_FILLER}", 2, "U+3164 HANGUL FILLER"),
        ("任爱香\t", 4, "U+0009"),
        ("任\u200d爱香", 2, "U+200D ZERO WIDTH JOINER"),
    ],
)
def test_a_name_with_an_invisible_character_says_which_and_where(text, where, which):
    with pytest.raises(ValidationError) as raised:
        validate_visible_text(text)
    assert raised.value.code == "invisible_character"
    with translation.override("en"):
        message = raised.value.messages[0]
    assert message == (
        f"Character {where} is invisible or changes the direction of the text ({which}); "
        "delete it and type the text again."
    )


def test_the_message_is_in_chinese_for_chinese_readers():
    with pytest.raises(ValidationError) as raised:
        validate_visible_text(f"任{ZWSP}爱香")
    with translation.override("zh-hans"):
        message = raised.value.messages[0]
    assert "第 2 个字符" in message and "U+200B" in message


def test_notes_keep_line_breaks_and_emoji():
    validate_visible_lines("呼吸机坏了\r\n已联系维修 ❤️\t👨‍👩‍👧 🇨🇳")


@pytest.mark.parametrize("text", [f"呼吸机{RLO}坏了", f"已联系{ZWSP}维修", f"{BOM}回访", "回访\u2028维修", "a\x00b"])
def test_notes_refuse_direction_controls_and_zero_width_spaces(text):
    with pytest.raises(ValidationError):
        validate_visible_lines(text)


# --- the register's forms -----------------------------------------------------------------------------


def test_staffs_household_form(as_user, staff, grid1):
    data = {"grid": grid1.pk, "address": "通二路5号", "head_name": f"王{ZWSP}建国", "tenure": "owner"}
    response = as_user(staff).post(reverse("household_create"), data)
    assert MESSAGE in error_on(response, "head_name")
    response = as_user(staff).post(
        reverse("household_create"), {**data, "head_name": "王建国", "phone": f"{RLO}13900001111"}
    )
    assert MESSAGE in error_on(response, "phone")
    assert not Household.objects.exists()


def test_staffs_resident_form(as_user, staff, ren_household):
    data = {"name": "任建华", "sex": "M", "date_of_birth": "1968-01-02", "mobile": f"139{BOM}00001111"}
    response = as_user(staff).post(reverse("resident_create", args=[ren_household.pk]), data)
    assert MESSAGE in error_on(response, "mobile")
    assert not Resident.objects.exists()


def test_the_workers_contact_form(as_user, wu, ren):
    version = ren.version
    data = {"emergency_contact_name": f"周{ZWSP}建明", "version": version}
    response = as_user(wu).post(reverse("resident_edit", args=[ren.pk]), data)
    assert MESSAGE in error_on(response, "emergency_contact_name")
    ren.refresh_from_db()
    assert ren.version == version and ren.emergency_contact_name == ""


def test_the_workers_add_forms(as_user, wu, grid1, ren_household):
    client = as_user(wu)
    response = client.post(
        reverse("resident_add", args=[ren_household.pk]),
        {"arrival": "moved_in", "name": f"{RLO}华建任", "sex": "M", "date_of_birth": "1968-01-02"},
    )
    assert MESSAGE in error_on(response, "name")
    response = client.post(
        reverse("shop_add", args=[grid1.pk]),
        {"name": "水果店", "address": f"临江路{ZWSP}18号", "business_type": "retail"},
    )
    assert MESSAGE in error_on(response, "address")
    response = client.post(
        reverse("household_add", args=[grid1.pk]),
        {"address": "通二路7号", "head_name": "李", "tenure": "rented", "landlord_name": f"张{LRI}房东"},
    )
    assert MESSAGE in error_on(response, "landlord_name")
    assert (
        not Resident.objects.exists()
        and not Shop.objects.exists()
        and not Household.objects.exclude(pk=ren_household.pk).exists()
    )


def test_staffs_building_and_shop_forms(as_user, staff, grid1):
    client = as_user(staff)
    response = client.post(reverse("building_create"), {"grid": grid1.pk, "road": f"临江{ZWSP}路", "number": "9"})
    assert MESSAGE in error_on(response, "road")
    response = client.post(
        reverse("shop_create"),
        {
            "grid": grid1.pk,
            "name": "便利店",
            "address": "临江路8号",
            "business_type": "retail",
            "operator_name": f"赵{BOM}",
        },
    )
    assert MESSAGE in error_on(response, "operator_name")
    assert not Building.objects.exists() and not Shop.objects.exists()


# --- the case intake, visits, follow-ups, mediation ------------------------------------------------------


def intake(grid, **fields):
    return {
        "grid": grid.pk,
        "title": "楼上漏水",
        "description": "天花板渗水",
        "category": Category.objects.first().pk,
        "priority": "normal",
        "channel": "walk_in",
        "complainant_name": "任爱香",
        **fields,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("complainant_name", f"任{ZWSP}爱香"), ("complainant_phone", f"{RLO}13900001111")],
)
def test_the_case_intake_refuses_a_hidden_character_in_the_complainant(as_user, wu, grid1, field, value):
    response = as_user(wu).post(reverse("case_create"), intake(grid1, **{field: value}))
    assert MESSAGE in error_on(response, field)
    assert not Case.objects.exists()


def test_a_complainants_phone_is_checked_like_a_residents(as_user, wu, grid1):
    response = as_user(wu).post(reverse("case_create"), intake(grid1, complainant_phone="12345"))
    assert "mobile number" in error_on(response, "complainant_phone")
    assert not Case.objects.exists()


def visit_data(**fields):
    return {
        "client_id": str(uuid.uuid4()),
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "purposes": ["routine"],
        **fields,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", f"任爱香{RLO}呼吸机坏了"),
        ("follow_up_what", f"回访{ZWSP}任爱香"),
    ],
)
def test_the_visit_form_refuses_hidden_characters_in_its_texts(as_user, wu, ren, field, value):
    data = visit_data(**{field: value, "follow_up_in_days": "10"})
    if field == "notes":
        data["follow_up_what"] = ""
    response = as_user(wu).post(reverse("visit_household", args=[ren.household.pk]), data)
    assert MESSAGE in error_on(response, field)
    assert not Visit.objects.exists() and not FollowUp.objects.exists()


def test_the_visit_form_keeps_line_breaks_and_emoji(as_user, wu, ren):
    response = as_user(wu).post(
        reverse("visit_household", args=[ren.household.pk]), visit_data(notes="呼吸机坏了\r\n已联系维修 👍")
    )
    assert response.status_code == 302
    assert Visit.objects.get().notes.endswith("👍")


def test_closing_a_follow_up_refuses_hidden_characters(as_user, wu, ren):
    visit, _ = log_visit(
        worker=wu,
        client_id=uuid.uuid4(),
        visited_at=timezone.now() - datetime.timedelta(hours=1),
        household=ren.household,
        follow_up=NewFollowUp(what="回访呼吸机维修", due_on=timezone.localdate(), assignee=wu),
    )
    follow_up = visit.follow_ups.get()
    response = as_user(wu).post(reverse("follow_up_detail", args=[follow_up.pk]), {"outcome": f"修好了{RLO}"})
    assert MESSAGE in error_on(response, "outcome")
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_a_mediation_record_refuses_hidden_characters_in_names(as_user, wu, ren):
    case = case_report(
        by=wu,
        grid=ren.household.grid,
        title="楼上漏水",
        description="临江路4幢楼上漏水",
        category=Category.objects.first(),
        priority="normal",
        channel="walk_in",
        complainant=ren,
    )
    data = {"held_on": timezone.localdate().isoformat(), "outcome": "agreed", "other_parties": f"楼上{ZWSP}住户"}
    response = as_user(wu).post(reverse("mediation_create", args=[case.pk]), data)
    assert MESSAGE in error_on(response, "other_parties")
    assert not MediationRecord.objects.exists()
