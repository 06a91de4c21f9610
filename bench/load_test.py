"""Load and fault test: the portal under gunicorn on 127.0.0.1, PostgreSQL, the demo data.

Drives a mix of public, unit, staff and report pages from N simulated users (threads with
keep-alive connections) for a bounded time, loopback only, and reports requests per second,
p50/p95/p99 latency, errors and the gunicorn workers' CPU time per request. Runs the mix
with persistent database connections on and off, the public list/detail pages alone, and the
signed-in pages alone (unit, staff, province staff and leader accounts), whose workers' CPU per
request is issue 19's target. As the issue measures it, every user asks again as soon as an
answer arrives (--think 0); a pause between clicks caps the rate at what the users ask.
`--fault` instead restarts PostgreSQL a third of the way into the mix while two units save
new drafts, then checks that every draft the portal answered "saved" is still there.

    python bench/load_test.py                      # full report, 50 users × 60 s per run
    python bench/load_test.py --users 20 --seconds 20 --per-role
    python bench/load_test.py --users 20 --seconds 15 --fault

The machine's load average is printed with the report: other work on the same cores (a test
run, another bench) lowers the request rate, though less the CPU time per request.
"""
import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
HOST, PORT = "127.0.0.1", 8899
DATABASE_URL = os.getenv("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/danvan_load")
# The shared cache of docs/deploy.md; its own database number, emptied before each server start.
REDIS_URL = os.getenv("LOAD_REDIS_URL", "redis://127.0.0.1:6379/15")
MAIL_DIR = os.getenv("LOAD_MAIL_DIR", "/tmp/danvan-load-mail")
PASSWORD = "danvan-demo"
WRITER_ACCOUNTS = ("donvi.a", "donvi.b")
GUNICORN_OPTIONS = os.getenv("LOAD_GUNICORN_OPTIONS", "--workers 4 --threads 2 --worker-class gthread --keep-alive 5").split()
# Issue 19: the mix at least this many requests a second on 2 cores, back to back, and each
# signed-in page at most this much of the workers' CPU.
TARGET_MIX_RPS = 400
TARGET_SIGNED_IN_CPU_MS = 4
ROLES, WEIGHTS = ["public", "unit", "staff", "province", "leader"], [50, 15, 15, 10, 10]
SIGNED_IN = ROLES[1:]


def run(*args, **env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True, env={**os.environ, **env},
                   stdout=subprocess.DEVNULL)


def prepare_database():
    import psycopg2

    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    admin = psycopg2.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    run("quickstart", "--no-server", DATABASE_URL=DATABASE_URL, DEBUG="true")
    # Fresh bulk-loaded tables have no planner statistics yet; a live database has them.
    with psycopg2.connect(DATABASE_URL) as connection, connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    run("collectstatic", "--noinput", DATABASE_URL=DATABASE_URL, DEBUG="false", SECRET_KEY="bench-only")


def registrations(expression):
    """The value of a Python expression over `R` (Registration) in the load database."""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c",
         f"import json; from models_registry.models import Registration as R; print(json.dumps({expression}))"],
        cwd=ROOT, check=True, capture_output=True, text=True, env={**os.environ, "DATABASE_URL": DATABASE_URL},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def sample_ids():
    return registrations("list(R.objects.published().values_list('pk', flat=True)[:200])")


class Server:
    def __init__(self, conn_max_age):
        self.conn_max_age = conn_max_age
        self.process = None

    def __enter__(self):
        env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DEBUG": "false", "SECRET_KEY": "bench-only",
               "ALLOWED_HOSTS": HOST, "CONN_MAX_AGE": str(self.conn_max_age), "SECURE_SSL_REDIRECT": "false",
               "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false", "LOG_LEVEL": "WARNING", "REDIS_URL": REDIS_URL}
        redis.Redis.from_url(REDIS_URL).flushdb()
        # As deployed (docs/deploy.md): the task worker beside gunicorn, mailing into a folder.
        env.update(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=MAIL_DIR)
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.env = env
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "danvan.wsgi", "--bind", f"{HOST}:{PORT}", *GUNICORN_OPTIONS,
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(None, "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def cpu_seconds(self):
        """CPU time used so far by the gunicorn workers: the cost per request, whatever else runs."""
        pids = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def run_timer_job(self):
        """The daily reminders job, as the systemd timer runs it; returns its summary line."""
        return subprocess.run([PYTHON, "manage.py", "send_reminders"], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True).stdout.strip()

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.worker.terminate()
        self.worker.wait(timeout=20)


def request(connection, path, method="GET", body=None, headers=None):
    own = connection is None
    connection = connection or http.client.HTTPConnection(HOST, PORT, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, response, data
    finally:
        if own:
            connection.close()


# The cookies of each account's session, shared by the simulated users of that account.
SESSIONS, SESSIONS_LOCK = {}, threading.Lock()


class Client:
    """One simulated person: a keep-alive connection and a session cookie."""

    def __init__(self):
        self.connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
        self.cookies = {}

    def get(self, path):
        return self._send("GET", path)

    def _send(self, method, path, body=None, extra=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(extra or {})}
        try:
            status, response, data = request(self.connection, path, method, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed an idle keep-alive connection just as we reused it; a browser
            # resends an idempotent request on a new connection, and so do we (once).
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
            if method != "GET":
                raise
            status, response, data = request(self.connection, path, method, body, headers)
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
            raise
        self.location = response.getheader("Location")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return status, data

    def post_form(self, path, fields):
        """GET the form for its CSRF token, then POST it; returns the status."""
        status, page = self.get(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
        status, _ = self._send("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}:{PORT}/",
        })
        return status

    def login(self, username):
        """Sign in, or take the session of an earlier sign-in of the account: a password hash costs
        the server most of a second of CPU, and every run signs in its users again."""
        with SESSIONS_LOCK:
            cookies = SESSIONS.get(username)
        if cookies is not None:
            self.cookies = dict(cookies)
            return
        if self.post_form("/tai-khoan/dang-nhap/", {"username": username, "password": PASSWORD}) != 302:
            raise RuntimeError(f"login of {username} answered the login form again")
        with SESSIONS_LOCK:
            SESSIONS[username] = dict(self.cookies)

    def register(self, number):
        """Save a new draft as a unit would; the id of the registration once the portal has
        answered that it is saved, else None."""
        year = time.localtime().tm_year
        status = self.post_form("/don-vi/dang-ky/", {
            "year": year, "name": f"Mô hình thử tải {number}", "field": "economy", "level": "grassroots",
            "exemplar_kind": "collective", "is_new": "on", "objectives": "Thử tải", "content": "Thử tải",
            "success_indicators": "Thử tải", "start_date": f"01/03/{year}",
        })
        saved = re.fullmatch(r"/don-vi/mo-hinh/(\d+)/", self.location or "") if status == 302 else None
        return int(saved.group(1)) if saved else None


def mixes(ids):
    def detail():
        return f"/mo-hinh/{random.choice(ids)}/"

    public = [lambda: "/", lambda: "/mo-hinh/", lambda: "/mo-hinh/?q=ho+ngheo", detail, detail,
              lambda: "/mo-hinh/?linh-vuc=economy&trang=2", lambda: "/thong-ke/"]
    return {
        "public": (None, public),
        "unit": ("donvi.a", [lambda: "/don-vi/"] + public[:2]),
        "staff": ("canbo.xa", [lambda: "/quan-ly/", lambda: "/quan-ly/mo-hinh/", lambda: "/quan-ly/mo-hinh/?nam=2026"]),
        "province": ("canbo.tinh", [lambda: "/quan-ly/", lambda: "/quan-ly/mo-hinh/?trang-thai=completed"]),
        "leader": ("lanhdao", [lambda: "/bao-cao/", lambda: "/bao-cao/?nam=2024"]),
    }


def drive(server, users, seconds, roles, weights, think, fault_at=None, writers=0):
    ids = sample_ids()
    plan = mixes(ids)
    samples, errors, lock = [], [], threading.Lock()
    saved, refused = [], []
    stop_at = None
    # Everyone signs in first; the clock starts once all have, and nobody asks before it has.
    start_barrier, started = threading.Barrier(users + writers + 1), threading.Event()

    def person(index):
        role = random.Random(index).choices(roles, weights)[0]
        username, pages = plan[role]
        client = Client()
        if username:
            for _ in range(20):
                try:
                    client.login(username)
                    break
                except (OSError, http.client.HTTPException, RuntimeError):
                    time.sleep(0.5)
        start_barrier.wait()
        started.wait()
        while time.monotonic() < stop_at:
            path = random.choice(pages)()
            began = time.monotonic()
            try:
                status, _ = client.get(path)
            except (OSError, http.client.HTTPException) as error:
                status = f"{type(error).__name__}"
            elapsed = time.monotonic() - began
            with lock:
                samples.append((began, elapsed, role, status))
                if not isinstance(status, int) or status >= 400:
                    errors.append((began, path, status))
            if think:
                # A person reads a moment before the next click.
                time.sleep(random.uniform(0.5 * think, 1.5 * think))

    def writer(index):
        # A unit saving new drafts through the form, about once a second: what the portal
        # answered "saved" must still be there after the database restarts.
        client = Client()
        client.login(WRITER_ACCOUNTS[index % len(WRITER_ACCOUNTS)])
        start_barrier.wait()
        started.wait()
        number = 0
        while time.monotonic() < stop_at:
            number += 1
            try:
                pk = client.register(f"{index}-{number}-{time.time_ns()}")
            except (OSError, http.client.HTTPException, AttributeError):
                pk = None
            with lock:
                (saved if pk else refused).append(pk)
            time.sleep(1)

    threads = [threading.Thread(target=person, args=(i,), daemon=True) for i in range(users)]
    threads += [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(writers)]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    began = time.monotonic()
    cpu_before = server.cpu_seconds()
    stop_at = began + seconds
    started.set()
    outage = None
    if fault_at is not None:
        time.sleep(fault_at)
        cluster = os.listdir("/etc/postgresql")[0]
        outage_start = time.monotonic()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        outage = (outage_start - began, time.monotonic() - began)
    for thread in threads:
        thread.join()
    result = summarise(samples, errors, began, seconds, outage)
    result["server_cpu_ms_per_request"] = round(1000 * (server.cpu_seconds() - cpu_before) / max(len(samples), 1), 2)
    if writers:
        result["saved_ids"] = saved
        result["writes_refused"] = len(refused)
    return result


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def summarise(samples, errors, began, seconds, outage):
    latencies = [elapsed for _, elapsed, _, _ in samples]
    result = {
        "requests": len(samples),
        "rps": round(len(samples) / seconds, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0,
        "errors": len(errors),
        "error_kinds": sorted({str(status) for _, _, status in errors}),
    }
    if outage is not None:
        after = [t - began for t, _, _, status in samples if t - began > outage[1] and status == 200]
        last_error = max((t - began for t, _, _ in errors), default=None)
        result["outage_s"] = [round(outage[0], 1), round(outage[1], 1)]
        result["first_success_after_restart_s"] = round(min(after) - outage[1], 2) if after else None
        result["last_error_after_restart_s"] = round(last_error - outage[1], 2) if last_error else None
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=0,
                        help="mean pause in seconds between one user's requests (default 0: back to back)")
    parser.add_argument("--per-role", action="store_true",
                        help="also run each signed-in role alone, for its own CPU per request")
    parser.add_argument("--fault", action="store_true", help="only the fault run: restart PostgreSQL mid-run")
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 300)
    args.users = min(args.users, 200)
    if not args.skip_setup:
        prepare_database()
    report = {}
    if args.fault:
        before = registrations("R.objects.count()")
        with Server(conn_max_age=60) as server:
            report["fault"] = drive(server, args.users, args.seconds, ROLES, WEIGHTS, args.think,
                                    fault_at=args.seconds / 3, writers=2)
        saved = report["fault"].pop("saved_ids")
        report["fault"].update(
            registrations_before=before,
            drafts_saved_during_run=len(saved),
            drafts_saved_found_after=registrations(f"R.objects.filter(pk__in={sorted(saved)!r}).count()"),
            registrations_after=registrations("R.objects.count()"),
        )
        # Leave the demo data as the other runs measure it.
        registrations(f"R.objects.filter(pk__in={sorted(saved)!r}).delete()[0]")
    else:
        with Server(conn_max_age=60) as server:
            report["mix_persistent"] = drive(server, args.users, args.seconds, ROLES, WEIGHTS, args.think)
            report["public_only"] = drive(server, args.users, args.seconds, ["public"], [1], args.think)
            report["signed_in_only"] = drive(server, args.users, args.seconds, SIGNED_IN,
                                             [WEIGHTS[ROLES.index(role)] for role in SIGNED_IN], args.think)
            if args.per_role:
                report["signed_in_cpu_ms_per_request_by_role"] = {
                    role: drive(server, args.users, max(args.seconds // 2, 5), [role], [1],
                                args.think)["server_cpu_ms_per_request"]
                    for role in SIGNED_IN
                }
            report["reminders_job"] = server.run_timer_job()
        with Server(conn_max_age=0) as server:
            report["mix_no_persistent"] = drive(server, args.users, args.seconds, ROLES, WEIGHTS, args.think)
        report["persistent_vs_not_rps_ratio"] = round(
            report["mix_persistent"]["rps"] / max(report["mix_no_persistent"]["rps"], 0.1), 2
        )
        # With think time the request rate is capped by the users; latency shows the difference.
        report["not_vs_persistent_p95_ratio"] = round(
            report["mix_no_persistent"]["p95_ms"] / max(report["mix_persistent"]["p95_ms"], 0.1), 2
        )
        report["targets"] = {
            "mix_rps": [report["mix_persistent"]["rps"], f">= {TARGET_MIX_RPS}",
                        report["mix_persistent"]["rps"] >= TARGET_MIX_RPS],
            "signed_in_cpu_ms_per_request": [report["signed_in_only"]["server_cpu_ms_per_request"],
                                             f"<= {TARGET_SIGNED_IN_CPU_MS}",
                                             report["signed_in_only"]["server_cpu_ms_per_request"]
                                             <= TARGET_SIGNED_IN_CPU_MS],
        }
    report["settings"] = {"users": args.users, "seconds": args.seconds, "think_s": args.think,
                          "gunicorn": " ".join(GUNICORN_OPTIONS), "cpus": os.cpu_count()}
    # Other work on the same cores lowers the rate: the 1, 5 and 15 minute load averages at the end.
    report["load_average"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
