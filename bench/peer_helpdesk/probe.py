"""Run with the peer's virtualenv by run.py: log the helpdesk staff user in (a real session, saved
in the peer's database, that gunicorn will accept), find the list page's data endpoint as a
browser would (the DataTables ``ajax.url`` in the HTML), and count the queries and bytes of one
request to each, outside the timing. Prints JSON on stdout."""

import json
import os
import re
import sys
from importlib.metadata import version
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from helpdesk.models import Ticket  # noqa: E402
from seed import STAFF_USERNAME  # noqa: E402

LIST_PATH = "/tickets/"
AJAX_URL = re.compile(r'ajax:\s*\{\s*"url":\s*"([^"]+)"')


def datatables_query(length):
    """What DataTables (serverSide, no ``order`` option: the first column, ascending) asks for
    when the list page first loads; the per-column parameters are left out (the view ignores them)."""
    return urlencode(
        {"draw": 1, "start": 0, "length": length, "search[value]": "", "search[regex]": "false",
         "order[0][column]": 0, "order[0][dir]": "asc"}
    )  # fmt: skip


def measure(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST="127.0.0.1")
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return response, len(queries)


def main():
    user = get_user_model().objects.get(username=STAFF_USERNAME)
    client = Client()
    client.force_login(user)
    html, html_queries = measure(client, LIST_PATH)
    found = AJAX_URL.search(html.content.decode())
    if not found:
        raise SystemExit("No DataTables ajax url in the ticket list page: has django-helpdesk changed?")
    per_page = user.usersettings_helpdesk.tickets_per_page
    data_path = f"{found.group(1)}?{datatables_query(per_page)}"
    data, data_queries = measure(client, data_path)
    payload = json.loads(data.content)
    print(
        json.dumps(
            {
                "version": version("django-helpdesk"),
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "session_key": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "list_path": LIST_PATH,
                "data_path": data_path,
                "list_queries": html_queries,
                "data_queries": data_queries,
                "rows_shown": len(payload["data"]),
                "rows_matching": payload["recordsFiltered"],
                "tickets": Ticket.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main()
