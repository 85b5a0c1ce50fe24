import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from visits.hazard_models import HazardKind
from visits.hazards import services


def png(name="hazard.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def kind(code):
    """A kind seeded by visits migration 0008."""
    return HazardKind.objects.get(code=code)


def record(by, grid, *, code="ebike", risk="high", **fields):
    fields.setdefault("place", "2单元楼道")
    return services.record_hazard(
        by=by, grid=grid, kind=kind(code), risk=risk, description="楼道内电动车充电", **fields
    )


@pytest.fixture
def stairwell(wu, grid1, linjiang4):
    """An electric bike charging in the stairwell of 临江路4幢, found by Wu."""
    return record(wu, grid1, building=linjiang4)
