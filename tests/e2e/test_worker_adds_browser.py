"""Wu, at a door on his phone, adds a newborn to a household of Grid 1 from its ID number alone,
and marks a resident moved out."""

import datetime

import pytest
from django.utils import timezone

from gridapp.models import Resident

from ..factories import ResidentFactory, make_id_number
from .conftest import log_in, screenshot


@pytest.mark.browser
def test_wu_adds_a_newborn_and_marks_a_resident_moved_out(phone, wu, ren):
    son = ResidentFactory(household=ren.household, name="任建华", date_of_birth=datetime.date(1968, 1, 2))
    born = timezone.localdate() - datetime.timedelta(days=20)
    number = make_id_number(born)
    log_in(phone, "wu", "correct-horse-battery")
    phone.goto(f"{phone.base_url}{ren.household.get_absolute_url()}")
    phone.get_by_role("link", name="添加居民").click()
    phone.get_by_label("新生儿").check()
    phone.get_by_label("姓名").fill("任小宝")
    phone.get_by_label("身份证号").fill(number)  # the sex and the date of birth are in it
    screenshot(phone, "worker-adds-a-newborn")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url(f"**{ren.household.get_absolute_url()}")
    baby = Resident.objects.get(name="任小宝")
    assert baby.date_of_birth == born and baby.arrival == "newborn" and baby.added_by == wu
    row = phone.locator(".list-group-item", has_text="任小宝")
    assert "待确认" in row.inner_text()

    phone.goto(f"{phone.base_url}{son.get_absolute_url()}")
    phone.get_by_role("link", name="迁出或去世").click()
    phone.get_by_label("迁出").check()
    phone.get_by_role("button", name="归档该居民").click()
    phone.wait_for_url(f"**{ren.household.get_absolute_url()}")
    screenshot(phone, "worker-marked-moved-out")
    assert "任建华：" in phone.locator(".alert-success").inner_text()
    son.refresh_from_db()
    assert son.departure == "moved_out" and son.departed_on == timezone.localdate()
    assert "任建华" not in phone.locator(".list-group").first.inner_text()
