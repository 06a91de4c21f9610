"""Python CPU per request of the signed-in and public pages, as the app process spends it.

Issue 19's target: a signed-in page costs at most 4 ms of worker CPU. This bench asks each page
of the demo accounts through Django's test client in this process, with production settings
(DEBUG off, the shared Redis cache, PostgreSQL, one persistent connection), and prints for each
page its status, the CPU milliseconds per request while its cached copies and fragments are
warm, the same right after a change in the data (every data version moved on before each
request, so the copies are rebuilt: the cost of the first request after a write), and the
number of database queries of one warm request. Each time is the least of five batches' means,
so that other work on the machine's cores (it prints the load average) inflates it the least.

    .venv/bin/python bench/page_cpu.py                          # the table
    .venv/bin/python bench/page_cpu.py --repeat 100             # steadier numbers
    .venv/bin/python bench/page_cpu.py --profile /quan-ly/ canbo.tinh   # and a cProfile of one page

It uses its own database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/danvan_page_cpu),
created and filled by `manage.py quickstart` when it has no demo accounts yet, and its own Redis
database (REDIS_URL, default redis://127.0.0.1:6379/13), emptied at the start. The CPU time is
the whole process's: the test client's own share (building the request, reading the response)
is counted too, so a gunicorn worker spends a little less (bench/load_test.py measures that).
"""
import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/danvan_page_cpu")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")
# Production, as docs/deploy.md sets it up: one connection kept open per worker.
os.environ.update(CONN_MAX_AGE="600", DEBUG="false", SECRET_KEY=os.getenv("SECRET_KEY", "bench-only"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

TARGET_MS = 4
BATCHES = 5
PAGES = {
    "donvi.a": ["/don-vi/", "/", "/mo-hinh/"],
    "canbo.xa": ["/quan-ly/", "/quan-ly/mo-hinh/", "/quan-ly/mo-hinh/?nam=2026"],
    "canbo.tinh": ["/quan-ly/", "/quan-ly/mo-hinh/?trang-thai=completed"],
    "lanhdao": ["/bao-cao/", "/bao-cao/?nam=2024"],
    None: ["/", "/mo-hinh/", "/mo-hinh/?q=ho+ngheo", "/mo-hinh/?linh-vuc=economy&trang=2", "/thong-ke/"],
}


def prepare_database():
    """Create the database when missing and fill it with the demo data when it has none."""
    import psycopg2

    url = os.environ["DATABASE_URL"]
    name = urllib.parse.urlparse(url).path.lstrip("/")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('models_registry_user') IS NOT NULL")
        filled = cursor.fetchone()[0]
        if filled:
            cursor.execute("SELECT count(*) FROM models_registry_user WHERE username = ANY(%s)",
                           [[name for name in PAGES if name]])
            filled = cursor.fetchone()[0] == len(PAGES) - 1
    environment = {**os.environ, "DEBUG": "true"}
    if not filled:
        print("Filling the database with the demo data (manage.py quickstart)…", file=sys.stderr)
        subprocess.run([PYTHON, "manage.py", "quickstart", "--no-server"], cwd=ROOT, check=True, env=environment,
                       stdout=subprocess.DEVNULL)
        # Fresh bulk-loaded tables have no planner statistics yet; a live database has them.
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        # Filled by an earlier version of the portal: brought to this one's schema first.
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput"], cwd=ROOT, check=True, env=environment,
                       stdout=subprocess.DEVNULL)
    # DEBUG off serves the hashed names of the collected files: their manifest must be current.
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, check=True,
                   env={**os.environ}, stdout=subprocess.DEVNULL)


def measure(client, url, repeat):
    """(status, warm CPU ms, CPU ms after a change, queries of one warm request). Each time is
    the least of BATCHES batches' means: other work on the same cores only ever adds to it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from models_registry.freshness import data_changed

    for _ in range(3):
        status = client.get(url).status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Read now: the next request empties the connection's query log.
    queries = len(captured.captured_queries)
    size = max(repeat // BATCHES, 1)
    warm = []
    for _ in range(BATCHES):
        started = time.process_time()
        for _ in range(size):
            client.get(url)
        warm.append((time.process_time() - started) / size)
    fresh = []
    for _ in range(BATCHES):
        spent = 0.0
        for _ in range(max(size // 4, 1)):
            data_changed()
            started = time.process_time()
            client.get(url)
            spent += time.process_time() - started
        fresh.append(spent / max(size // 4, 1))
    return status, min(warm) * 1000, min(fresh) * 1000, queries


def profile(client, url, repeat):
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(80)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--profile", nargs=2, metavar=("URL", "USER"),
                        help="also print a cProfile (CPU time) of this page for this account ('-': anonymous)")
    parser.add_argument("--account", action="append", metavar="USER",
                        help="only this account's pages ('-': the anonymous ones); may be repeated")
    parser.add_argument("--skip-setup", action="store_true", help="the database is filled and static collected")
    args = parser.parse_args()
    if not args.skip_setup:
        prepare_database()

    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from models_registry.models import User

    cache.clear()
    print(f"{'account':12} {'page':42} {'status':>6} {'warm ms':>8} {'fresh ms':>9} {'queries':>7}")
    over = []
    for username, urls in PAGES.items():
        if args.account and (username or "-") not in args.account:
            continue
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        if username:
            client.force_login(User.objects.get(username=username))
        for url in urls:
            status, warm, fresh, queries = measure(client, url, args.repeat)
            print(f"{username or '-':12} {url:42} {status:>6} {warm:8.2f} {fresh:9.2f} {queries:>7}")
            if username and warm > TARGET_MS:
                over.append(f"{username} {url}")
            if args.profile and url == args.profile[0] and (username or "-") == args.profile[1]:
                profile(client, url, args.repeat)
    print(f"\nSigned-in pages over {TARGET_MS} ms warm: {', '.join(over) if over else 'none'}")
    print("Load average:", " ".join(f"{value:.2f}" for value in os.getloadavg()))


if __name__ == "__main__":
    main()
