"""Benchmark of the leadership reports at national scale, on PostgreSQL.

    .venv/bin/python bench/report_bench.py                 # 100,000 units, 1,000,000 registrations
    .venv/bin/python bench/report_bench.py --registrations 50000 --units 5000 --repeat 10   # a quick run
    .venv/bin/python bench/report_bench.py --registrations 5000000 --units 500000 --reset  # the larger size

It uses its own database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/danvan_bench),
creates and migrates it if needed, loads the administrative areas (`load_admin_areas`; synthetic
ones if that fails), then fills units and registrations for 2016–2026 with INSERT … SELECT
generate_series in a few statements. Data is generated once; pass --reset to regenerate.

It then times, through the Django test client (the whole request: middleware, scoping, queries,
template), a province dashboard, a commune dashboard, a five-year range and the Excel export,
the bare SQL of the main per-year aggregate behind the province table, and the lists behind the
numbers (a province staff's list, the drill-down list, the public list and search), and prints
p50/p95 and each page's p95 divided by the bare SQL aggregate's (the province table's figures
counted over the registrations, which the pages now read from the summaries instead).

While it times, a writer process accepts, edits and withdraws about 10 registrations a second and
imports a 5,000-row .xlsx file once through the import engine (--no-writer: still data); at the end the summaries are compared
with a fresh count of the registrations, and the machine's load average is printed.
"""
import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/danvan_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")
# One connection for the whole run, as behind a pooled app server.
os.environ.setdefault("CONN_MAX_AGE", "600")
# The bench is one client asking many times: the API's per-address limit would answer 429.
os.environ.setdefault("API_RATE_LIMIT", "100000/minute")
# The shared cache of production (sessions, the data versions), as docs/deploy.md sets it up.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
# As deployed: DEBUG off (no query log, no template debugging, hashed static files). The test
# client speaks plain HTTP to the portal, as nginx does behind TLS.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

# p95 targets in ms (issue 19) at 1,000,000 and at 5,000,000 registrations; at 1,000,000 the province
# dashboard must also stay below the bare SQL aggregate's p95. Cases without a target are printed for reference.
TARGETS_MS = {
    1_000_000: {"province": 40, "commune": 25, "five_years": 60, "excel": 500, "staff_list": 60,
                "staff_list_100": 60, "report_list": 60, "report_list_100": 60, "public_list": 60,
                "public_list_100": 60, "public_search_all": 150},
    5_000_000: {"province": 60, "commune": 30, "five_years": 90, "excel": 800, "staff_list": 80,
                "staff_list_100": 80, "report_list": 80, "report_list_100": 80, "public_list": 80,
                "public_list_100": 80, "public_search_all": 300},
}
# The issue asks this at 1,000,000 only: at 5,000,000 the province dashboard's target is 60 ms alone.
BELOW_AGGREGATE = {1_000_000: ("province",), 5_000_000: ()}


def size_of(registrations):
    """The largest size of the targets the data reaches (below 1,000,000: 1,000,000)."""
    reached = [size for size in TARGETS_MS if registrations >= size]
    return max(reached) if reached else min(TARGETS_MS)


def targets_for(registrations):
    return TARGETS_MS[size_of(registrations)]

# The indexes the reports need at national scale, proposed for Registration.Meta.indexes
# (the report to the lead gives the Django form). Created here when missing, so the bench
# measures the schema as proposed; --baseline drops them to measure without.
PROPOSED_INDEXES = {
    # Every figure of the main table, the kinds and the drill-down comes from this index alone
    # (index-only scans): the registrations of one area and year sit together in it.
    "registration_report_cover": (
        "ON models_registry_registration (area_id, year) INCLUDE (id, status, field, level, exemplar_kind, is_new, "
        "outcome, replicates_id, unit_kind_id, unit_id, participants, beneficiaries, money_mobilised, "
        "land_donated_m2, work_days, houses, households_out_of_poverty)"
    ),
    # Last year's models carried on this year: one index-only probe per model.
    "registration_continues_year": (
        "ON models_registry_registration (continues_id, year) INCLUDE (status) WHERE continues_id IS NOT NULL"
    ),
}
# SSD storage: random reads cost about as much as sequential ones. The PostgreSQL default (4)
# is for spinning disks and makes the planner scan all 100,000 units instead of one province's.
DATABASE_SETTINGS = {"random_page_cost": "1.1"}
FIRST_YEAR, LAST_YEAR = 2016, 2026
# The tables the bench fills in bulk.
BULK_TABLES = ("models_registry_registration", "models_registry_unit")


def ensure_database(url, baseline):
    from urllib.parse import urlparse

    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or None, dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
        for setting, value in DATABASE_SETTINGS.items():
            if baseline:
                cursor.execute(f'ALTER DATABASE "{name}" RESET {setting}')
            else:
                cursor.execute(f'ALTER DATABASE "{name}" SET {setting} = {value}')
    admin.close()


def apply_indexes(baseline):
    from django.db import connection

    with connection.cursor() as cursor:
        for name, definition in PROPOSED_INDEXES.items():
            if baseline:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            else:
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")
        # Every table as autovacuum keeps a live database: visibility maps set, so the summaries'
        # index-only scans need not visit the heap (the previous run's writes left it dirty).
        cursor.execute("VACUUM ANALYZE")


def timed(label, started):
    print(f"  {label}: {time.monotonic() - started:.1f} s", flush=True)


def synthetic_areas(cursor):
    """34 provinces with 3,321 communes today; 63 provinces, 696 districts, 10,040 communes before."""
    cursor.execute(
        """
        INSERT INTO models_registry_adminarea (structure, code, name, division_type, level, is_split,
               commission_name, signer_position, signer_name, parent_id, province_id, district_id,
               current_province_id, current_commune_id)
        SELECT 'moi', lpad(g::text, 2, '0'), 'Tỉnh ' || g, 'tỉnh', 'province', false, '', '', '', NULL, NULL, NULL, NULL, NULL
        FROM generate_series(1, 34) g;
        UPDATE models_registry_adminarea SET province_id = id, current_province_id = id WHERE structure = 'moi';
        INSERT INTO models_registry_adminarea (structure, code, name, division_type, level, is_split,
               commission_name, signer_position, signer_name, parent_id, province_id, district_id,
               current_province_id, current_commune_id)
        SELECT 'moi', lpad((10000 + g)::text, 5, '0'), 'Xã ' || g, 'xã', 'commune', false, '', '', '', p.id, p.id, NULL,
               p.id, NULL
        FROM generate_series(1, 3321) g
        JOIN models_registry_adminarea p ON p.structure = 'moi' AND p.level = 'province'
             AND p.code = lpad((1 + g % 34)::text, 2, '0');
        UPDATE models_registry_adminarea SET current_commune_id = id WHERE structure = 'moi' AND level = 'commune';
        INSERT INTO models_registry_adminarea (structure, code, name, division_type, level, is_split,
               commission_name, signer_position, signer_name, parent_id, province_id, district_id,
               current_province_id, current_commune_id)
        SELECT 'cu', lpad(g::text, 2, '0'), 'Tỉnh cũ ' || g, 'tỉnh', 'province', false, '', '', '', NULL, NULL, NULL,
               (SELECT id FROM models_registry_adminarea WHERE structure = 'moi' AND level = 'province'
                AND code = lpad((1 + g % 34)::text, 2, '0')), NULL
        FROM generate_series(1, 63) g;
        UPDATE models_registry_adminarea SET province_id = id WHERE structure = 'cu' AND level = 'province';
        INSERT INTO models_registry_adminarea (structure, code, name, division_type, level, is_split,
               commission_name, signer_position, signer_name, parent_id, province_id, district_id,
               current_province_id, current_commune_id)
        SELECT 'cu', lpad((100 + g)::text, 3, '0'), 'Huyện cũ ' || g, 'huyện', 'district', false, '', '', '', p.id, p.id,
               NULL, p.current_province_id, NULL
        FROM generate_series(1, 696) g
        JOIN models_registry_adminarea p ON p.structure = 'cu' AND p.level = 'province'
             AND p.code = lpad((1 + g % 63)::text, 2, '0');
        UPDATE models_registry_adminarea SET district_id = id WHERE structure = 'cu' AND level = 'district';
        """
    )
    # Each old commune goes to a new commune of its district's new province.
    cursor.execute(
        """
        WITH d AS (SELECT id, province_id, current_province_id, row_number() OVER (ORDER BY id) AS n
                   FROM models_registry_adminarea WHERE structure = 'cu' AND level = 'district'),
             c AS (SELECT id, current_province_id,
                          row_number() OVER (PARTITION BY current_province_id ORDER BY id) AS n,
                          count(*) OVER (PARTITION BY current_province_id) AS k
                   FROM models_registry_adminarea WHERE structure = 'moi' AND level = 'commune')
        INSERT INTO models_registry_adminarea (structure, code, name, division_type, level, is_split,
               commission_name, signer_position, signer_name, parent_id, province_id, district_id,
               current_province_id, current_commune_id)
        SELECT 'cu', lpad((20000 + g)::text, 5, '0'), 'Xã cũ ' || g, 'xã', 'commune', g % 20 = 0, '', '', '', d.id,
               d.province_id, d.id, d.current_province_id, c.id
        FROM generate_series(1, 10040) g
        JOIN d ON d.n = 1 + g % 696
        JOIN c ON c.current_province_id = d.current_province_id AND c.n = 1 + (g / 696) % c.k
        """
    )


def load_areas(cursor, synthetic):
    from django.core.management import call_command

    from models_registry.models import AdminArea

    if AdminArea.objects.exists():
        return
    started = time.monotonic()
    if synthetic:
        synthetic_areas(cursor)
        timed("synthetic areas", started)
        return
    try:
        call_command("load_admin_areas")
        timed("areas from load_admin_areas", started)
    except Exception as error:  # the real loader may be unavailable; the bench still needs a country
        print(f"  load_admin_areas failed ({error}); using synthetic areas", flush=True)
        AdminArea.objects.all().delete()
        synthetic_areas(cursor)
        timed("synthetic areas", started)


def fill(units, registrations, reset, synthetic_areas):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM models_registry_registration")
        if cursor.fetchone()[0] >= registrations and not reset:
            print("  data already there (pass --reset to regenerate)", flush=True)
            return
        cursor.execute("TRUNCATE models_registry_registration, models_registry_unit CASCADE")
        load_areas(cursor, synthetic_areas)
        # A bulk load with the summary triggers and the trigram indexes off, then one recount and one
        # index build: millions of rows through statement triggers and GIN inserts take hours.
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN %s AND indexdef LIKE %s",
                       [BULK_TABLES, "%USING gin%"])
        gin_indexes = cursor.fetchall()
        for name, _definition in gin_indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for table in BULK_TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        started = time.monotonic()
        # Units sit in today's communes, spread over the kinds (sub-kinds included).
        cursor.execute(
            """
            INSERT INTO models_registry_unit (code, name, kind_id, area_id, parent_id, level, is_active, created_at)
            SELECT 'BENCH' || g, 'Đơn vị ' || g, k.id, c.id, NULL, 'grassroots', g %% 50 <> 0, now()
            FROM generate_series(1, %(units)s) g
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM models_registry_adminarea WHERE structure = 'moi' AND level = 'commune') c
                 ON c.n = (g::bigint * 7919) %% (SELECT count(*) FROM models_registry_adminarea
                                                 WHERE structure = 'moi' AND level = 'commune')
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM models_registry_unitkind) k
                 ON k.n = g %% (SELECT count(*) FROM models_registry_unitkind)
            """,
            {"units": units},
        )
        timed(f"{units:,} units", started)
        started = time.monotonic()
        # Registrations up to 2025 are recorded in an old commune that rolls up into the unit's commune.
        cursor.execute(
            """
            CREATE TEMP TABLE bench_predecessor AS
            SELECT DISTINCT ON (current_commune_id) current_commune_id AS new_id, id AS old_id
            FROM models_registry_adminarea WHERE structure = 'cu' AND level = 'commune'
                 AND current_commune_id IS NOT NULL
            ORDER BY current_commune_id, id;
            CREATE TEMP TABLE bench_unit AS
            SELECT row_number() OVER (ORDER BY u.id) - 1 AS n, u.id, u.kind_id, u.area_id,
                   coalesce(p.old_id, u.area_id) AS old_area_id, a.current_province_id
            FROM models_registry_unit u JOIN models_registry_adminarea a ON a.id = u.area_id
                 LEFT JOIN bench_predecessor p ON p.new_id = u.area_id;
            CREATE UNIQUE INDEX ON bench_unit (n);
            ANALYZE bench_unit;
            """
        )
        cursor.execute(
            """
            INSERT INTO models_registry_registration (
                unit_id, year, name, name_key, field, level, exemplar_kind, person_name, person_position, is_new,
                situation, objectives, content, target_group, target_area, lead_force, partners, resources,
                milestones, expected_results, sustainability, success_indicators,
                participants, beneficiaries, money_mobilised, land_donated_m2, work_days, houses,
                households_out_of_poverty, results, status, outcome, return_reason,
                area_id, current_province_id, unit_kind_id, search_text, search_title, version, created_at,
                updated_at)
            SELECT u.id, y.year, 'Mô hình ' || g, 'mô hình ' || g, (ARRAY['economy','culture_society','defence_security',
                   'political_system'])[1 + g %% 4],
                   CASE WHEN g %% 50 = 0 THEN 'province' WHEN g %% 10 = 0 THEN 'district' ELSE 'grassroots' END,
                   CASE WHEN g %% 9 = 0 THEN 'individual' ELSE 'collective' END,
                   CASE WHEN g %% 9 = 0 THEN 'Người ' || g ELSE '' END, '', g %% 3 <> 0,
                   '', '', '', '', '', '', '', '', '', '', '', '',
                   g %% 500, g %% 2000, (g %% 1000) * 100000, g %% 300, g %% 150, g %% 3, g %% 2, '',
                   (ARRAY['submitted','returned','accepted','accepted','completed','completed','completed',
                          'commended','withdrawn','draft'])[1 + (g / 7) %% 10],
                   CASE WHEN (g / 7) %% 10 IN (4, 5, 6, 7)
                        THEN (ARRAY['achieved','achieved','not_achieved','exemplary'])[1 + g %% 4] ELSE '' END,
                   '',
                   CASE WHEN y.year <= 2025 THEN u.old_area_id ELSE u.area_id END, u.current_province_id, u.kind_id,
                   'mo hinh ' || g, ' mô hình ' || g || ' | mo hinh ' || g || ' ', 1, now(), now()
            FROM generate_series(1, %(registrations)s) g
            JOIN bench_unit u ON u.n = (g::bigint * 104729) %% %(units)s
            CROSS JOIN LATERAL (SELECT %(first)s + g %% %(years)s AS year) y
            """,
            {"registrations": registrations, "units": units, "first": FIRST_YEAR,
             "years": LAST_YEAR - FIRST_YEAR + 1},
        )
        timed(f"{registrations:,} registrations", started)
        started = time.monotonic()
        # Continued models point at the same unit's model of the year before; 1 in 20 replicates another.
        cursor.execute(
            """
            UPDATE models_registry_registration r SET continues_id = p.id
            FROM (SELECT DISTINCT ON (unit_id, year) id, unit_id, year FROM models_registry_registration
                  ORDER BY unit_id, year, id) p
            WHERE NOT r.is_new AND p.unit_id = r.unit_id AND p.year = r.year - 1;
            UPDATE models_registry_registration SET replicates_id = id - 11 WHERE id % 20 = 0 AND id > 11;
            """
        )
        timed("continuations, replications", started)
        started = time.monotonic()
        for _name, definition in gin_indexes:
            cursor.execute(definition)
        timed("trigram indexes", started)
        started = time.monotonic()
        for table in BULK_TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        from models_registry import award_summary_triggers, placement_triggers, summary_triggers

        summary_triggers.install(connection)
        award_summary_triggers.install(connection)
        placement_triggers.install(connection)  # the copies are already right: it only checks them
        cursor.execute("VACUUM ANALYZE")
        timed("summaries counted, VACUUM ANALYZE", started)


class Writer:
    """Changes registrations while the pages are timed, as the registration season does: about
    `rate` a second it accepts a sent model (the workflow's conditional UPDATE), edits one (a
    model save) or withdraws one, and once, after `import_after` seconds, imports `import_rows`
    new models from an .xlsx file through the import engine (its checks, then COPY).

    Each in a process of its own, as the portal's other server workers are: the writes contend
    with the timed pages for the database and the cores, not for this process's interpreter lock
    (a thread here made every timed page wait for the writer's Python, and the writer for them,
    so it managed 2 writes a second instead of 10)."""

    def __init__(self, rate=10, import_rows=5000, import_after=5.0):
        context = multiprocessing.get_context("spawn")
        self.stop = context.Event()
        self.results = context.Queue()
        self.processes = [
            context.Process(target=in_writer_process, args=("steady_writes", self.results, rate, self.stop)),
            context.Process(target=in_writer_process,
                            args=("import_once", self.results, import_rows, import_after, self.stop)),
        ]

    def start(self):
        for process in self.processes:
            process.start()

    def finish(self):
        """Stop the writes, wait for the import, and return what was done; a writer's error fails the run."""
        self.stop.set()
        done = {}
        for _ in self.processes:
            done.update(self.results.get(timeout=600))
        for process in self.processes:
            process.join()
        if "error" in done:
            raise RuntimeError(f"the bench writer failed: {done['error']}")
        return done


def in_writer_process(work, results, *args):
    """Run the function named `work` in a writer process with Django set up, and put its counts
    (or its error) on `results`."""
    try:
        import django

        django.setup()
        results.put(globals()[work](*args))
    except Exception as error:  # reported by the main process, which fails the run
        import traceback

        results.put({"error": "".join(traceback.format_exception(error))})


def steady_writes(rate, stop):
    import random

    from models_registry.models import Registration, Status

    done = {"accepted": 0, "edited": 0, "withdrawn": 0}
    rng = random.Random(19)
    high = Registration.objects.order_by("-pk").values_list("pk", flat=True).first()
    step = 0
    due = time.monotonic()
    while not stop.is_set():
        step += 1
        pk = rng.randint(1, high)
        action = step % 3
        if action == 0:
            done["accepted"] += Registration.objects.filter(
                pk=Registration.objects.filter(pk__gte=pk, status=Status.SUBMITTED).order_by("pk").values("pk")[:1]
            ).update(status=Status.ACCEPTED)
        elif action == 1:
            registration = Registration.objects.filter(pk__gte=pk).order_by("pk").first()
            if registration is not None:
                registration.participants = rng.randint(0, 5000)
                registration.money_mobilised = rng.randint(0, 10**9)
                registration.save()
                done["edited"] += 1
        else:
            done["withdrawn"] += Registration.objects.filter(
                pk=Registration.objects.filter(pk__gte=pk, status__in=[Status.SUBMITTED, Status.ACCEPTED])
                .order_by("pk").values("pk")[:1]
            ).update(status=Status.WITHDRAWN)
        # Steady `rate` a second however long each write took.
        due += 1 / rate
        stop.wait(max(0.0, due - time.monotonic()))
    return done


def import_once(rows, after, stop):
    """A clerk's sheet of `rows` new models through the import engine (check, then COPY), as an
    upload does, `after` seconds into the timing."""
    import tempfile

    import openpyxl

    from models_registry.models import ImportBatch, Unit
    from models_registry.services import imports

    if stop.wait(after):
        return {"imported": 0, "import_s": 0.0}
    units = list(Unit.objects.filter(is_active=True).order_by("pk")[:100])
    started = time.monotonic()
    stamp = int(time.time())
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Đăng ký")
    sheet.append(["STT", "Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực", "Cấp", "Loại điển hình",
                  "Mới/Duy trì", "Số người tham gia", "Số tiền vận động (đồng)"])
    for n in range(rows):
        unit = units[n % len(units)]
        sheet.append([n + 1, 2026, unit.code, f"Mô hình nhập {stamp}-{n}", "Kinh tế", "Cơ sở", "Tập thể", "Mới",
                      n % 100, f"{(n % 50) * 100000:,}".replace(",", ".")])
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        book.save(handle.name)
        handle.seek(0)
        report = imports.import_file(ImportBatch.Kind.REGISTRATIONS, handle, "dang-ky-5000.xlsx", write=True)
    if not report.ok:
        raise RuntimeError(f"bench import refused: {report.summary()} {[str(p) for p in report.problems[:3]]}")
    return {"imported": rows, "import_s": time.monotonic() - started}


def summary_mismatches():
    """Rows where the summaries (and the facts they rest on) and a fresh count of the registrations,
    their history, commendations and proposals differ, and registrations whose copy of their
    province is not their area's (0: exact)."""
    from models_registry import award_summary_triggers, placement_triggers, summary_triggers

    return summary_triggers.mismatches() + award_summary_triggers.mismatches() + placement_triggers.mismatches()


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(call, repeat):
    call()  # warm caches and connection
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    # A p95 of 30 samples is their second slowest: 100 make it the sixth, steadier from run to run.
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--reset", action="store_true", help="regenerate the units and registrations")
    parser.add_argument("--fill-only", action="store_true", help="generate the data set and stop")
    parser.add_argument("--synthetic-areas", action="store_true", help="generate areas instead of load_admin_areas")
    parser.add_argument("--baseline", action="store_true", help="measure without the proposed indexes and settings")
    parser.add_argument("--only", default="", help="comma-separated case keys to time, e.g. public_search_all,map_points")
    parser.add_argument("--no-writer", action="store_true", help="time on still data (no concurrent writes)")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"], args.baseline)
    # Every request here is timed as built, not as a kept copy.
    os.environ.setdefault("REPORT_CACHE_SECONDS", "0")
    os.environ.setdefault("PUBLIC_PAGE_CACHE_SECONDS", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from models_registry.models import AdminArea, Registration, Role, User

    print("Preparing the bench database…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    fill(args.units, args.registrations, args.reset, args.synthetic_areas)
    if args.fill_only:
        return 0
    started = time.monotonic()
    apply_indexes(args.baseline)
    timed("baseline: proposed indexes dropped" if args.baseline else "proposed indexes in place", started)

    # A province and one of its communes that has old communes rolling into it.
    from django.db.models import Count

    # The largest province of the generated data: the writer's imports of earlier runs, which
    # land in one province or another, must not change which one the runs compare.
    counts = (Registration.objects.filter(import_batch__isnull=True).values("area__current_province")
              .annotate(n=Count("pk")).order_by("-n"))
    largest = counts.first()["area__current_province"]
    province = AdminArea.objects.get(pk=largest)
    commune = (
        AdminArea.objects.legacy().filter(level="commune", current_province=province, current_commune__isnull=False)
        .order_by("id").first().current_commune
    )
    users = {}
    for name, role, area in (("bench-tinh", Role.LEADER, province), ("bench-xa", Role.LEADER, commune),
                             ("bench-canbo-tinh", Role.STAFF, province)):
        users[name], _ = User.objects.update_or_create(username=name, defaults={"role": role, "area": area})
    total = Registration.objects.count()
    in_province = Registration.objects.filter(province.scope_q("area")).count()
    print(f"Data: {total:,} registrations; {province} has {in_province:,}; commune {commune}.", flush=True)

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    province_client, commune_client = client_for(users["bench-tinh"]), client_for(users["bench-xa"])
    staff_client, visitor = client_for(users["bench-canbo-tinh"]), Client()

    def get(client, url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return call

    # The bare SQL behind the page: its slowest query, captured from a real request (the reports
    # read from summary tables or the registrations; whichever it is, the page is compared with it).
    with CaptureQueriesContext(connection) as captured:
        get(province_client, "/bao-cao/?nam=2026")()
    main_sql = max(captured.captured_queries, key=lambda query: float(query["time"]))["sql"]

    def bare_sql():
        with connection.cursor() as cursor:
            cursor.execute(main_sql)
            cursor.fetchall()

    # The bare SQL aggregate the issue compares pages with: the province table's per-year figures
    # counted over the registrations themselves, as the page did before the summaries.
    from models_registry.services.reports import COUNTED_Q, figure_aggregates

    aggregate_sql, aggregate_params = (
        Registration.objects.filter(COUNTED_Q, province.scope_q("area"), year__gte=2025, year__lte=2026)
        .order_by().values("year").annotate(**figure_aggregates()).query.sql_with_params()
    )

    def bare_aggregate():
        with connection.cursor() as cursor:
            cursor.execute(aggregate_sql, aggregate_params)
            cursor.fetchall()

    def page_100(client, url):
        """The URL of a list's 100th page, reached as a person does: "Sau ›" 99 times."""
        import html
        import re

        base = url.split("?")[0]
        for _ in range(99):
            found = re.search(r'href="([^"]+)"[^>]*rel="next"', client.get(url).content.decode())
            assert found, f"no next page after {url}"
            url = html.unescape(found.group(1))
            if url.startswith("?"):
                url = base + url
        return url

    cases = [
        # First, so every page after it is printed as a ratio to it.
        ("aggregate", "bare SQL aggregate over the registrations (province)", bare_aggregate, args.repeat),
        ("province", "province dashboard, 2026 (below the aggregate)", get(province_client, "/bao-cao/?nam=2026"), args.repeat),
        ("province_old", "province dashboard, 2024 (old communes rolled up)",
         get(province_client, "/bao-cao/?nam=2024"), args.repeat),
        ("commune", "commune dashboard, 2026", get(commune_client, "/bao-cao/?nam=2026"), args.repeat),
        ("five_years", "province, 2021–2025", get(province_client, "/bao-cao/?tu-nam=2021&den-nam=2025"),
         args.repeat),
        ("excel", "province Excel export, 2026", get(province_client, "/bao-cao/xuat.xlsx?nam=2026"),
         max(3, args.repeat // 5)),
        ("sql", "bare SQL of the province dashboard's slowest query", bare_sql, args.repeat),
        # The lists behind the numbers, uncached as every page here.
        ("staff_list", "province staff's list of models, first page", get(staff_client, "/quan-ly/mo-hinh/"),
         args.repeat),
        ("report_list", "province drill-down list, 2026", get(province_client, "/bao-cao/mo-hinh/?nam=2026"),
         args.repeat),
        ("public_list", "public list, whole country, first page", get(visitor, "/mo-hinh/"), args.repeat),
        ("staff_list_100", "province staff's list, 100th page", lambda: None, args.repeat),
        # One year of a province is about 74 pages at 1,000,000: the 100th page is of a five-year list.
        ("report_list_100", "province drill-down list, 2022–2026, 100th page", lambda: None, args.repeat),
        ("public_list_100", "public list, whole country, 100th page", lambda: None, args.repeat),
        # The generated names are "Mô hình <n>": a clerk's narrow search, and one that matches everything.
        ("public_search", "public search “mo hinh 4242”, whole country", get(visitor, "/mo-hinh/?q=mo+hinh+4242"),
         args.repeat),
        ("public_search_all", "public search matching every model", get(visitor, "/mo-hinh/?q=mo+hinh"),
         args.repeat),
        # Ranked: a deep page reads the tiers above it too; the count stops at search.COUNT_CAP.
        ("public_search_page", "public search matching every model, page 50", get(visitor, "/mo-hinh/?q=mo+hinh&trang=50"),
         args.repeat),
        # No name holds the words in this order: the best tier is empty and every match is ranked.
        ("public_search_ranked_all", "public search “hinh mo”, every match ranked", get(visitor, "/mo-hinh/?q=hinh+mo"),
         max(3, args.repeat // 3)),
        ("map_points", "map points (GeoJSON), whole country, 3,000 newest", get(visitor, "/ban-do/diem.geojson"),
         args.repeat),
        ("api_search", "API list searching every model", get(visitor, "/api/v1/mo-hinh/?q=mo+hinh"), args.repeat),
    ]
    if args.only:
        cases = [case for case in cases if case[0] in args.only.split(",")]
    # The 100th pages' URLs are found only for the cases that run: 99 clicks each.
    deep = {"staff_list_100": (staff_client, "/quan-ly/mo-hinh/"),
            "report_list_100": (province_client, "/bao-cao/mo-hinh/?tu-nam=2022&den-nam=2026"),
            "public_list_100": (visitor, "/mo-hinh/")}
    cases = [(key, label, get(deep[key][0], page_100(*deep[key])) if key in deep else call, repeat)
             for key, label, call, repeat in cases]
    results = {}
    targets = targets_for(total)
    below_aggregate = BELOW_AGGREGATE[size_of(total)]
    failed = []
    writer = None if args.no_writer else Writer()
    if writer is not None:
        writer.start()
    print(f"\n{'case':<55} {'p50 ms':>8} {'p95 ms':>8} {'target':>8}       {'÷ aggregate p95':>15}")
    for key, label, call, repeat in cases:
        p50, p95 = measure(call, repeat)
        results[key] = (p50, p95)
        target = targets.get(key)
        slow = target is not None and p95 >= target
        if key in below_aggregate and "aggregate" in results and p95 >= results["aggregate"][1]:
            slow = True
        if slow:
            failed.append(key)
        verdict = "" if target is None and key not in below_aggregate else ("SLOW" if slow else "ok")
        ratio = f"{p95 / results['aggregate'][1]:.2f}×" if "aggregate" in results and key != "aggregate" else ""
        print(f"{label:<55} {p50:8.1f} {p95:8.1f} {target or '':>8} {verdict:>4} {ratio:>15}", flush=True)
    exact = True
    if writer is not None:
        done = writer.finish()
        print(f"\nWriter during the timing: {done['accepted']} accepted, {done['edited']} edited, "
              f"{done['withdrawn']} withdrawn, {done['imported']:,} imported from a file in {done['import_s']:.1f} s")
        mismatches = summary_mismatches()
        exact = mismatches == 0
        print("Summaries equal a fresh count of the registrations." if exact
              else f"SUMMARIES DIFFER from a fresh count in {mismatches} cells.")
    print(f"Load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    if failed:
        print(f"Targets missed: {', '.join(failed)}")
    return 0 if exact and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
