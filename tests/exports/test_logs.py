"""Exports put personal data in files, never in the application's logs."""

import logging

from .conftest import REN_ID, REN_MOBILE, post_export, workbook


def test_no_id_number_or_phone_in_the_logs(client, caplog, staff, register, grid1):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("django.db.backends").setLevel(logging.INFO)  # SQL parameters: see gridapp's test
    client.force_login(staff)
    workbook(post_export(client, what="register", grid=grid1.pk, full_phones="on", reason_text="核对" + REN_MOBILE))
    workbook(post_export(client, what="cases", grid=grid1.pk, full_phones="on"))
    client.post("/exports/typhoon-roster/", {"grid": grid1.pk, "reason_choice": "typhoon"})
    workbook(client.post("/exports/typhoon-roster/", {"grid": grid1.pk, "reason_choice": "typhoon", "format": "xlsx"}))
    lines = "\n".join(r.getMessage() for r in caplog.records if r.name != "django.db.backends")
    assert "personal data exported: user='staff'" in lines
    for secret in (REN_ID, REN_MOBILE, "13900001111", "依赖家用呼吸机"):
        assert secret not in lines
