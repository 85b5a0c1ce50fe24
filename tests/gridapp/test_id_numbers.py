"""A resident's ID number is checked the same way wherever it enters the register: a valid
GB 11643 number, registered to no one else, holding the resident's date of birth. The staff's
resident form is tested in test_register_pages, the import in tests/imports; here the shared
check itself and the admin, which before only kept a blank number."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from gridapp.core.validators import id_check_char
from gridapp.register.id_numbers import check_id_number

from ..factories import ResidentFactory, make_id_number

JIANMIN_BORN = datetime.date(1966, 3, 8)


@pytest.fixture
def jianmin(ren_household):
    """Ren Aixiang's son, registered in her household."""
    return ResidentFactory(household=ren_household, name="任建民", sex="M", date_of_birth=JIANMIN_BORN)


def admin_post(client, resident, **changes):
    data = {
        "household": resident.household_id,
        "name": resident.name,
        "sex": resident.sex,
        "date_of_birth": resident.date_of_birth.isoformat(),
        "id_number": "",
        "mobile": resident.mobile,
        "categories-TOTAL_FORMS": "0",
        "categories-INITIAL_FORMS": "0",
        **changes,
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(reverse("admin:gridapp_resident_change", args=[resident.pk]), data)


def test_the_admin_refuses_an_id_number_registered_to_someone_else(client, admin_user, ren, jianmin):
    client.force_login(admin_user)
    before = jianmin.id_number
    response = admin_post(client, jianmin, id_number=ren.id_number, date_of_birth=ren.date_of_birth.isoformat())
    assert response.status_code == 200
    assert "A resident with this ID number is already registered." in response.text
    jianmin.refresh_from_db()
    assert jianmin.id_number == before


def test_the_admin_refuses_an_id_number_that_gives_another_date_of_birth(client, admin_user, jianmin):
    client.force_login(admin_user)
    before = jianmin.id_number
    response = admin_post(client, jianmin, id_number=make_id_number(datetime.date(1967, 3, 8)))
    assert response.status_code == 200
    assert "The ID number gives a date of birth of 1967-03-08, but the date of birth entered is 1966-03-08." in (
        response.text
    )
    jianmin.refresh_from_db()
    assert jianmin.id_number == before


def test_the_admin_stores_a_new_valid_number_in_upper_case(client, admin_user, jianmin):
    client.force_login(admin_user)
    body = f"330109{JIANMIN_BORN:%Y%m%d}00"
    body += next(str(d) for d in range(10) if id_check_char(body + str(d)) == "X")
    assert admin_post(client, jianmin, id_number=body + "x").status_code == 302
    jianmin.refresh_from_db()
    assert jianmin.id_number == body + "X"


def test_the_check_names_the_field_at_fault(ren):
    with pytest.raises(ValidationError) as wrong_date:
        check_id_number(ren.id_number, date_of_birth=datetime.date(1941, 5, 12), resident=ren)
    assert wrong_date.value.message_dict.keys() == {"date_of_birth"}
    with pytest.raises(ValidationError) as too_short:
        check_id_number(ren.id_number[:17], date_of_birth=ren.date_of_birth)
    assert too_short.value.message_dict.keys() == {"id_number"}
    assert too_short.value.error_dict["id_number"][0].code == "id_length"


def test_a_registered_number_is_the_residents_own_or_the_imports_match(ren):
    assert check_id_number(f" {ren.id_number.lower()} ", date_of_birth=ren.date_of_birth, resident=ren) == ren.id_number
    with pytest.raises(ValidationError) as taken:
        check_id_number(ren.id_number, date_of_birth=ren.date_of_birth)
    assert taken.value.error_dict["id_number"][0].code == "id_registered"
    assert check_id_number(ren.id_number, date_of_birth=ren.date_of_birth, registered=False) == ren.id_number
    assert check_id_number("", date_of_birth=ren.date_of_birth) == ""
