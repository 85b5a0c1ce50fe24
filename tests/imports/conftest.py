"""Files made in the test, and a staff member who uploads them, reading pages in English."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gridapp.imports import sample
from gridapp.models import ImportBatch


def xlsx_bytes(rows, headers=sample.HEADERS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") if isinstance(row, dict) else row[i] for i, h in enumerate(headers)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=sample.HEADERS, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)


def rows(n, **kwargs):
    return list(sample.household_rows(n, **kwargs))


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def upload(staff_client, grid1):
    """Upload a file as Staff into Grid 1; returns the response (followed) and the batch."""

    def send(content, name="register.xlsx", kind="households", grid=None, client=None):
        client = client or staff_client
        before = set(ImportBatch.objects.values_list("pk", flat=True))
        response = client.post(
            reverse("import_upload"),
            {"grid": (grid or grid1).pk, "kind": kind, "file": SimpleUploadedFile(name, content)},
            follow=True,
        )
        batch = ImportBatch.objects.exclude(pk__in=before).first()
        return response, batch

    return send


def commit(client, batch):
    response = client.post(reverse("import_commit", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    return response
