"""Staff, on a phone, import a register file: upload, read the preview, import, see the result;
and a large import's progress bar moving without a reload until the page turns into the result."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from gridapp.imports import sample, services
from gridapp.models import ImportBatch, ImportStatus, Resident

from .conftest import log_in, screenshot


@pytest.fixture
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.browser
def test_staff_upload_preview_and_import_on_a_phone(phone, staff, grid1, tmp_path, _uploads_in_tmp):
    path = tmp_path / "登记表.xlsx"
    sample.write_xlsx(path, sample.household_rows(4))
    log_in(phone, "staff", "correct-horse-battery")
    phone.click(f"a[href='{reverse('import_list')}']")
    phone.click(f"a[href='{reverse('import_upload')}']")
    phone.set_input_files("input[type=file]", str(path))
    screenshot(phone, "import-upload")
    phone.click("input[name=upload], button[name=upload]")
    phone.wait_for_selector("#import-counts")
    screenshot(phone, "import-preview")
    assert phone.inner_text("[data-count='residents-created']") == "4"
    assert phone.inner_text("[data-count='households-created']") == "2"
    assert not Resident.objects.exists()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.locator("#import-commit").bounding_box()["height"] >= 44
    phone.click("#import-commit")
    phone.wait_for_load_state()
    screenshot(phone, "import-done")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.DONE
    with translation.override("zh-hans"):  # the page's language
        assert phone.inner_text("#import-status") == batch.get_status_display() == "已导入"
    assert Resident.objects.count() == 4
    assert not phone.locator("#import-commit").count()


@pytest.mark.browser
def test_the_progress_bar_moves_without_a_reload_then_the_result_shows(phone, staff, grid1, _uploads_in_tmp):
    batch = ImportBatch.objects.create(
        created_by=staff, grid=grid1, kind="households", filename="大文件.xlsx", size=1, sha256="0" * 64,
        stored_path="big.upload", file_format="xlsx", status=ImportStatus.VALIDATING, total_rows=1000,
    )  # fmt: skip
    progress = services._flag(batch, "progress")
    progress.write_text("checking 300 1000")
    log_in(phone, "staff", "correct-horse-battery")
    phone.goto(phone.base_url + batch.get_absolute_url())
    assert phone.get_attribute("#import-progress-bar", "value") == "300"
    phone.evaluate("window.stillTheSamePage = true")
    progress.write_text("checking 800 1000")
    phone.wait_for_selector("#import-progress-bar[value='800']")  # htmx polled and swapped it in
    assert phone.evaluate("window.stillTheSamePage") is True
    screenshot(phone, "import-progress")
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.READY, counts={"households": {"created": 500, "updated": 0, "unchanged": 0}}
    )
    phone.wait_for_selector("#import-commit")  # htmx reloaded the page into the preview
    assert phone.evaluate("window.stillTheSamePage") is None
    assert phone.inner_text("[data-count='households-created']") == "500"


@pytest.mark.browser
def test_staff_run_an_import_whose_worker_died_again_on_a_phone(phone, staff, grid1, tmp_path, _uploads_in_tmp):
    """The import's worker died; the beat job marked it failed. Staff read why in Chinese and
    run it again with one thumb-sized tap."""
    path = tmp_path / "登记表.xlsx"
    sample.write_xlsx(path, sample.household_rows(4))
    batch = services.upload(
        by=staff, grid=grid1, kind="households", file=SimpleUploadedFile("登记表.xlsx", path.read_bytes()),
        language="zh-hans",
    )  # fmt: skip
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.COMMITTING, committed_by=staff, updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert services.fail_stuck() == [batch.pk]
    log_in(phone, "staff", "correct-horse-battery")
    phone.goto(phone.base_url + batch.get_absolute_url())
    screenshot(phone, "import-failed-run-again")
    assert "未导入任何数据" in phone.inner_text("#import-message")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.locator("#import-rerun").bounding_box()["height"] >= 44
    assert phone.locator("#import-cancel").bounding_box()["height"] >= 44
    phone.click("#import-rerun")
    phone.wait_for_load_state()
    with translation.override("zh-hans"):
        assert phone.inner_text("#import-status") == ImportStatus.DONE.label == "已导入"
    assert Resident.objects.count() == 4
    assert not phone.locator("#import-rerun").count()
