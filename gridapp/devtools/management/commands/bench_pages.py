"""Benchmark the pages people open every day, each beside the floor view, on a generated world.

    DATABASE_URL=postgres://…/gridapp_town_bench python manage.py bench_pages

In one process with Django's test client, logged in as the world's users (the worker of its
first grid, a staff member of that community, a member of the town's busiest department, an
admin; ``gridapp.devtools.pages_bench``): for each page a warm-up, then ``--rounds`` rounds of
one request to the floor view (``/__bench/floor/``: the base template and one indexed query, the
user's own role) and one to the page, in turns, so that both see the same moments of a busy machine. Prints
p50, p95, p95 ÷ the floor's p95 (of the same rounds), the query count and the response size per
page as a Markdown table and writes them as JSON (``--out``). The targets — p95 ≤ 2× the floor
and ≤ 50 ms — are reported as PASS or MISS; ``--strict`` exits 1 on a miss. A page so slow
that its rounds would take over ``--page-seconds`` stops early (the table says after how many).
"""

import json
import platform
import statistics
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from gridapp.devtools import pages_bench
from gridapp.devtools.bench import BenchCommand, database_name

TARGET_MS = 50.0
TARGET_RATIO = 2.0


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BenchCommand):
    help = "Benchmark the everyday pages beside a floor view, on a world built by generate_world."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=200, help="timed requests per page (and as many floor)")
        parser.add_argument("--warmup", type=int, default=10)
        parser.add_argument("--page-seconds", type=float, default=120.0, help="stop a slow page's rounds after this")
        parser.add_argument("--only", action="append", help="measure only these pages (keys), e.g. --only case")
        parser.add_argument("--out", default=None, help="the JSON file (default: var/bench/pages.json)")
        parser.add_argument("--strict", action="store_true", help="exit 1 when a page misses its target")

    def handle(self, *args, rounds, warmup, page_seconds, only, out, strict, **options):
        if rounds < 1 or warmup < 0:
            raise CommandError("--rounds must be at least 1 and --warmup not negative.", returncode=2)
        cast = pages_bench.cast()
        host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")), "localhost")
        clients = {}
        for who in ("worker", "staff", "member", "admin"):
            clients[who] = Client(HTTP_HOST=host, raise_request_exception=True)
            clients[who].force_login(getattr(cast, who))
        floor_url = reverse("bench_floor")
        pages = pages_bench.pages(cast)
        unknown = set(only or ()) - {page.key for page in pages}
        if unknown:
            raise CommandError(f"No such page: {', '.join(sorted(unknown))}.", returncode=2)
        pages = [page for page in pages if not only or page.key in only]
        self.stdout.write(
            f"{pages_bench.grids_count():,} grids; as {cast.worker} (grid {cast.grid}), {cast.staff}, "
            f"{cast.member}, {cast.admin}; {rounds} rounds a page"
        )
        results = []
        for page in pages:
            # As in production, the queries are not logged one by one (the query count below is
            # taken on one more request, outside the timing); the floor runs the same way.
            with override_settings(DEBUG=False):
                result = self.measure(page, clients[page.who], floor_url, rounds, warmup, page_seconds)
            results.append(result)
            self.stdout.write(
                f"  {page.key:<24} p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  "
                f"×{result['p95_ratio']:5.1f}  {result['queries']:>3} queries  {result['verdict']}"
            )
        report = {
            "database": database_name(),
            "when": timezone.now().isoformat(),
            "python": platform.python_version(),
            "targets": {"p95_ms": TARGET_MS, "p95_ratio": TARGET_RATIO},
            "rounds": rounds,
            "pages": results,
        }
        path = settings.VAR_DIR / "bench" / "pages.json" if out is None else out
        path = type(settings.VAR_DIR)(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        self.stdout.write("")
        self.stdout.write(self.table(results))
        self.stdout.write(f"\nwritten to {path}")
        missed = [r["key"] for r in results if r["verdict"] == "MISS"]
        if missed and strict:
            raise CommandError(f"over target (p95 ≤ {TARGET_RATIO:g}× the floor and ≤ {TARGET_MS:g} ms): {missed}")

    def request(self, client, page):
        method, url, data = page.path()
        started = time.perf_counter()
        response = client.get(url) if method == "GET" else client.post(url, data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != page.expect:
            body = response.content.decode(errors="replace")[:600]
            raise CommandError(
                f"{page.key}: {method} {url} answered {response.status_code}, not {page.expect}:\n{body}"
            )
        return elapsed, response

    def measure(self, page, client, floor_url, rounds, warmup, page_seconds):
        floor = pages_bench.Page("floor", "floor", page.who, lambda: ("GET", floor_url, None))
        for _ in range(warmup):
            self.request(client, floor)
            self.request(client, page)
        page_ms, floor_ms = [], []
        started = time.monotonic()
        for round_ in range(rounds):
            # In turns, which goes first too: neither always follows the other's garbage.
            pair = ((floor, floor_ms), (page, page_ms))
            for what, times in pair if round_ % 2 == 0 else reversed(pair):
                times.append(self.request(client, what)[0])
            if time.monotonic() - started > page_seconds and round_ >= 19:
                break
        with CaptureQueriesContext(connection) as queries:
            _elapsed, response = self.request(client, page)
        p95, floor_p95 = percentile(page_ms, 0.95), percentile(floor_ms, 0.95)
        ratio = p95 / floor_p95
        return {
            "key": page.key,
            "page": page.label,
            "as": page.who,
            "rounds": len(page_ms),
            "p50_ms": round(statistics.median(page_ms), 2),
            "p95_ms": round(p95, 2),
            "floor_p50_ms": round(statistics.median(floor_ms), 2),
            "floor_p95_ms": round(floor_p95, 2),
            "p95_ratio": round(ratio, 2),
            "queries": len(queries.captured_queries),
            "bytes": len(response.content),
            "verdict": "PASS" if p95 <= TARGET_MS and ratio <= TARGET_RATIO else "MISS",
        }

    def table(self, results):
        lines = [
            "| page | as | rounds | p50 ms | p95 ms | floor p95 ms | p95 ÷ floor | queries | KB | target |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in results:
            lines.append(
                f"| {r['page']} | {r['as']} | {r['rounds']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                f"{r['floor_p95_ms']:.1f} | {r['p95_ratio']:.1f}× | {r['queries']} | {r['bytes'] / 1024:.0f} | "
                f"{r['verdict']} |"
            )
        return "\n".join(lines)
