"""Benchmark the register's search on PostgreSQL at town scale: how long a grid worker's and an
admin's searches take, and the plans that serve them.

    DATABASE_URL=postgres://…/gridapp_bench python manage.py bench_search [--explain]

Builds a synthetic town with INSERT … SELECT generate_series (250,000 residents in 100 grids by
default: a grid has ~1,000 households in ~100 buildings and ~300 shops; names drawn from common
surnames and given-name characters; Ren Aixiang of 临江路4幢1单元302室 in grid 1), gives it its
search keys with the register's own bulk function (``search_index.refresh_grids``, as the demo
world does), then runs each search several times as the worker of grid 1 and as an admin and
prints the median and the slowest, which must stay within ``--max-ms``, and the query count,
which must be one per kind. ``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of each kind's query.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridapp import scope
from gridapp.devtools.bench import BenchCommand
from gridapp.models import Grid, Role, RoleKind
from gridapp.register import search, search_index

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂爱香国庆建华志红玉梅林文德福荣金海燕春云飞鹏辉"
ROADS = "临江路 峙山北路 通二路 东藩路 新塘路 浦南大道 萧山路 人民路 解放路 建设路 中山路 文化路 胜利路 和平路 朝阳路"
SHOP_WORDS = "东方 红星 老王 新华 万家 阿香 金牛 顺发 兴旺 惠民"
SHOP_KINDS = "便利店 五金店 理发店 小吃店 药店 超市 水果店 面馆 修车铺 茶叶店"
QUERIES = ("rax", "renaixiang", "任爱香", "任", "0003", "1单元302", "临江")
EXPLAINED = ("rax", "1单元302")


def _array(words):
    return "ARRAY[" + ",".join(f"'{w}'" for w in words) + "]"


class Command(BenchCommand):
    help = "Benchmark the register's search on PostgreSQL (builds its own synthetic town)."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=250_000)
        parser.add_argument("--grids", type=int, default=100)
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--max-ms", type=float, default=50.0, help="the slowest search allowed (median)")
        parser.add_argument("--explain", action="store_true", help="print the plans of the worker's and admin's")
        parser.add_argument("--reuse", action="store_true", help="search the town already built")

    def handle(self, *args, residents, grids, runs, max_ms, explain, reuse, **options):
        call_command("migrate", verbosity=0)
        if not reuse:
            self.stdout.write(f"building {residents:,} residents in {grids} grids…")
            started = time.monotonic()
            self.build(residents, grids)
            self.stdout.write(f"  built in {time.monotonic() - started:.1f} s")
            started = time.monotonic()
            search_index.refresh_grids(Grid.objects.all())
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                cursor.execute("SELECT count(*) FROM gridapp_searchkey")
                keys = cursor.fetchone()[0]
            self.stdout.write(f"  {keys:,} search keys written in {time.monotonic() - started:.1f} s")
        users = self.users()
        failed = False
        self.stdout.write("")
        self.stdout.write(f"{'who':<8}{'typed':<14}{'found':>6}{'median ms':>11}{'max ms':>9}{'queries':>9}")
        for who, user in users.items():
            for typed in QUERIES:
                found, median, slowest, queries = self.measure(user, typed, runs)
                self.stdout.write(f"{who:<8}{typed:<14}{found:>6}{median:>11.1f}{slowest:>9.1f}{queries:>9}")
                failed |= median > max_ms or queries != len(search.KINDS)
        if explain:
            for who, user in users.items():
                for typed in EXPLAINED:
                    self.explain(who, user, typed)
        if failed:
            raise CommandError(f"over target (median ≤ {max_ms} ms, one query per kind)")
        self.stdout.write(self.style.SUCCESS(f"within target: median ≤ {max_ms} ms, one query per kind"))

    def users(self):
        User = get_user_model()
        worker, _ = User.objects.get_or_create(username="bench-search-worker")
        admin, _ = User.objects.get_or_create(username="bench-search-admin")
        Role.objects.filter(user__in=[worker, admin]).delete()
        Role.objects.create(user=worker, kind=RoleKind.GRID_WORKER, grid=Grid.objects.order_by("pk").first())
        Role.objects.create(user=admin, kind=RoleKind.ADMIN)
        return {"worker": worker, "admin": admin}

    def measure(self, user, typed, runs):
        times = []
        for _ in range(runs):
            scope.forget(user)
            scope.for_user(user)  # the request has read the roles before it searches
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                results = search.search(user, typed)
                times.append((time.perf_counter() - started) * 1000)
        found = sum(len(getattr(results, kind)) for kind in search.KINDS)
        return found, statistics.median(times), max(times), len(queries.captured_queries)

    def explain(self, who, user, typed):
        query = search.parse(typed)
        for kind in ("residents", "households"):
            plan = search._matches(user, kind, query, None)[: search.PER_KIND + 1].explain(analyze=True, buffers=True)
            self.stdout.write(f"\n--- {who}, {typed!r}, {kind} ---\n{plan}")

    def build(self, residents, grids):
        households = residents * 2 // 5  # 2.5 residents a household
        per_grid = households // grids
        with connection.cursor() as cursor:
            cursor.execute(
                BUILD_SQL.format(
                    residents=residents,
                    households=households,
                    grids=grids,
                    buildings=grids * 100,
                    shops=grids * 300,
                    per_grid=per_grid,
                    surnames=_array(SURNAMES),
                    n_surnames=len(SURNAMES),
                    given=_array(GIVEN),
                    n_given=len(GIVEN),
                    roads=_array(ROADS.split()),
                    shop_words=_array(SHOP_WORDS.split()),
                    shop_kinds=_array(SHOP_KINDS.split()),
                ),
                {"now": timezone.now()},
            )


# Grid g has buildings b + 1 with b ≡ g - 1 (mod grids); household h is in grid h mod grids, in one of its
# buildings; resident r lives in household r mod households. Household 1 and resident 1 are Ren
# Aixiang's (grid 1, 临江路4幢1单元302室).
BUILD_SQL = """
TRUNCATE gridapp_searchkey, gridapp_role, gridapp_resident, gridapp_household, gridapp_shop, gridapp_building,
    gridapp_grid, gridapp_community, gridapp_town RESTART IDENTITY CASCADE;
INSERT INTO gridapp_town (name, created_at, updated_at) VALUES ('基准镇', %(now)s, %(now)s);
INSERT INTO gridapp_community (town_id, name, code, created_at, updated_at)
    SELECT 1, '社区' || c, 'B' || c, %(now)s, %(now)s FROM generate_series(1, GREATEST(1, {grids} / 10)) c;
INSERT INTO gridapp_grid (community_id, number, name, description, created_at, updated_at)
    SELECT 1 + (g - 1) %% GREATEST(1, {grids} / 10), g, '网格' || g, '', %(now)s, %(now)s
    FROM generate_series(1, {grids}) g;
INSERT INTO gridapp_building (community_id, grid_id, road, number, name, year_built, floors, notes, version,
        created_at, updated_at)
    SELECT 1 + (b %% {grids}) %% GREATEST(1, {grids} / 10), 1 + b %% {grids}, ({roads})[1 + (b / {grids}) %% 15],
        (b / {grids} / 15 + 1)::text || '-' || (1 + b %% {grids}), '', 1960 + b %% 60, 6, '', 1, %(now)s, %(now)s
    FROM generate_series(0, {buildings} - 1) b;
UPDATE gridapp_building SET road = '临江路', number = '4' WHERE id = 1;
INSERT INTO gridapp_household (grid_id, building_id, unit, room, address, head_name, phone, tenure, landlord_name,
        landlord_phone, landlord_address, notes, archived_at, version, created_at, updated_at)
    SELECT bl.grid_id, bl.id, (1 + h %% 3)::text, (101 + h / {grids} %% 20 + 100 * (h / {grids} / 20 %% 6))::text,
        bl.road || bl.number || '幢' || (1 + h %% 3) || '单元'
            || (101 + h / {grids} %% 20 + 100 * (h / {grids} / 20 %% 6)) || '室',
        '', '0571-8' || lpad((h * 7919 %% 10000000)::text, 7, '0'), 'owner', '', '', '', '', NULL, 1,
        %(now)s, %(now)s
    FROM generate_series(0, {households} - 1) h
        JOIN gridapp_building bl ON bl.id = 1 + (h %% {grids}) + {grids} * ((h / {grids}) %% 100);
INSERT INTO gridapp_resident (household_id, name, sex, date_of_birth, id_number, mobile, is_head, relation_to_head,
        health_notes, emergency_contact_name, emergency_contact_phone, emergency_contact_relation, archived_at,
        version, created_at, updated_at, arrival, departure)
    SELECT 1 + r %% {households},
        ({surnames})[1 + (r * 7 + r / {households}) %% {n_surnames}] || ({given})[1 + r * 13 %% {n_given}]
            || CASE WHEN r %% 3 = 0 THEN '' ELSE ({given})[1 + r * 29 %% {n_given}] END,
        CASE WHEN r %% 2 = 0 THEN 'F' ELSE 'M' END, DATE '1930-01-01' + (r * 37 %% 30000),
        '330109' || lpad(r::text, 12, '0'), '139' || lpad((r::bigint * 7919 %% 100000000)::text, 8, '0'),
        r < {households}, '', '', '', '', '', NULL, 1, %(now)s, %(now)s, '', ''
    FROM generate_series(0, {residents} - 1) r;
UPDATE gridapp_resident SET name = '任爱香', mobile = '13900000003' WHERE id = 1;
UPDATE gridapp_household h SET head_name = r.name FROM gridapp_resident r WHERE r.household_id = h.id AND r.is_head;
UPDATE gridapp_household SET unit = '1', room = '302', address = '临江路4幢1单元302室', building_id = 1 WHERE id = 1;
INSERT INTO gridapp_shop (grid_id, building_id, name, address, business_type, street_front, operator_name, phone,
        licence_number, notes, archived_at, version, created_at, updated_at)
    SELECT g.id, NULL, ({shop_words})[1 + s %% 10] || ({shop_kinds})[1 + s / 10 %% 10] || s,
        ({roads})[1 + s %% 15] || (s / 15 + 1) || '号', 'retail', true, '', '', '', '', NULL, 1, %(now)s, %(now)s
    FROM generate_series(0, {shops} - 1) s JOIN gridapp_grid g ON g.id = 1 + s %% {grids};
ANALYZE;
"""
