"""Benchmark of the registration import, against django-import-export's default import.

It times the preview, the preview opened again (the upload kept parsed), the import of an N-row
file and django-import-export's own default import of the same rows; and the streaming reader
alone against openpyxl's read-only mode.

    .venv/bin/python bench/import_bench.py --rows 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_importspeed .venv/bin/python bench/import_bench.py \
        --rows 50000 --repeat 3

Without DATABASE_URL a throw-away SQLite file is used. Each phase runs in its own process so
that its peak memory (maximum resident set size) is its own. Wall and processor time are both
shown, and on PostgreSQL on this machine the database server's processor time for the phase
too: on a shared machine the wall time also counts other processes, so the load average is
printed with each run, and the timed phases run `--repeat` times (best and median shown).

The import is read + check + write of the .xlsx file, as the management command does it. "The
library's default import" is a plain `ModelResource` for Registration and
`resource.import_data(dataset, dry_run=False)` on a tablib Dataset loaded from the same .xlsx
(its rows, the first `--library-rows` of them, put under the model's field names with unit codes
and labels turned into ids and values, which a plain resource cannot do and which is not timed);
it runs on that slice, and its time is scaled to the full row count.

Targets (issue 19, item 5): 50,000 rows imported into PostgreSQL < 12 s (22.8 s before, on a
quiet machine), peak memory < 250 MB.
"""
import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")

PREFIX = "BENCH-"
COMMUNES = 40
UNITS_PER_COMMUNE = 25

WORDS = ("Tủ quần áo nghĩa tình", "Ấp không ma túy", "Đường hoa nông thôn mới", "Bếp ăn yêu thương",
         "Hũ gạo tình thương", "Camera an ninh", "Một cửa không giấy tờ", "Tổ hòa giải", "Nhà văn hóa sáng - xanh",
         "Vườn cây dinh dưỡng", "Lớp học tình thương", "Quỹ khuyến học", "Hiến đất mở đường", "Chợ 0 đồng")
FIELDS = ("Kinh tế", "kinh te", "Văn hóa - Xã hội", "VAN HOA - XA HOI", "Quốc phòng - An ninh",
          "Xây dựng hệ thống chính trị")
CONTENT = ("- Tuyên truyền, vận động nhân dân tham gia; họp dân lấy ý kiến.\n- Phân công đảng viên phụ trách hộ; "
           "huy động nguồn lực xã hội hóa; sơ kết, rút kinh nghiệm hằng quý.")
HEADERS = ["STT", "Năm", "Mã đơn vị", "Tên đơn vị", "Mã xã", "Tên mô hình", "Lĩnh vực", "Cấp", "Loại điển hình",
           "Họ tên", "Chức vụ", "Mới/Duy trì", "Mục tiêu", "Nội dung", "Kết quả", "Số người tham gia",
           "Số người hưởng lợi", "Số tiền vận động (đồng)", "Đất hiến (m2)", "Ngày công", "Nhà xây/sửa",
           "Hộ thoát nghèo"]
# Columns that name the unit: the library's import is given the unit's id instead.
UNIT_KEYS = ("unit", "unit_name", "commune", "legacy_commune")


def setup_django():
    import django

    django.setup()


def ensure_database():
    import dj_database_url
    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    config = dj_database_url.parse(url)
    admin = psycopg2.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                             password=config["PASSWORD"] or None, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def seed():
    """A province with communes and units, once per database."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from models_registry.models import AdminArea, AreaLevel, Structure, Unit, UnitKind

    if Unit.objects.filter(code__startswith=PREFIX).exists():
        return
    province, _ = AdminArea.objects.get_or_create(
        structure=Structure.CURRENT, code="B99", defaults={"name": "Tỉnh Thử Nghiệm", "level": AreaLevel.PROVINCE})
    province.province = province.current_province = province
    province.save()
    kinds = list(UnitKind.objects.all())
    units = []
    for c in range(COMMUNES):
        commune, _ = AdminArea.objects.get_or_create(
            structure=Structure.CURRENT, code=f"B{c:04d}",
            defaults={"name": f"Xã Tân Thử {c}", "level": AreaLevel.COMMUNE, "parent": province,
                      "province": province, "current_province": province})
        commune.current_commune = commune
        commune.save()
        for u in range(UNITS_PER_COMMUNE):
            units.append(Unit(code=f"{PREFIX}{c:03d}-{u:03d}", name=f"Chi hội ấp {u} xã Tân Thử {c}",
                              kind=kinds[(c + u) % len(kinds)], area=commune))
    Unit.objects.bulk_create(units)


def generate(path, rows, fmt):
    """A clerk's sheet: mostly codes, some units by name and commune, labels with and without accents, some NFD."""
    rng = random.Random(5)
    data = []
    for n in range(rows):
        c, u = rng.randrange(COMMUNES), rng.randrange(UNITS_PER_COMMUNE)
        by_name = n % 10 == 0
        individual = n % 17 == 0
        name = f"{WORDS[n % len(WORDS)]} số {n + 1}"
        if n % 7 == 0:
            name = unicodedata.normalize("NFD", name)
        data.append([
            n + 1, 2016 + n % 10, "" if by_name else f"{PREFIX}{c:03d}-{u:03d}",
            f"Chi hội ấp {u} xã Tân Thử {c}" if by_name else "", f"B{c:04d}" if by_name else "",
            name, FIELDS[n % len(FIELDS)], ("Cơ sở", "co so", "Huyện", "Tỉnh")[n % 4],
            "Cá nhân" if individual else "Tập thể", "Nguyễn Văn An" if individual else "",
            "Bí thư chi bộ" if individual else "", ("Mới", "duy tri")[n % 2],
            "Nâng cao đời sống vật chất, tinh thần của nhân dân trên địa bàn.", CONTENT,
            f"Đã vận động {n % 500} hộ tham gia, xây {n % 5} nhà tình nghĩa.",
            rng.randrange(10, 2000), rng.randrange(0, 5000), rng.randrange(0, 900) * 100000,
            rng.randrange(0, 3000), rng.randrange(0, 1500), n % 4, n % 9,
        ])
    if fmt == "csv":
        import csv

        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(data)
        return
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Đăng ký")
    sheet.append(HEADERS)
    for row in data:
        sheet.append(row)
    book.save(path)


def clear():
    """The bench's registrations and their history gone, by one statement each (Django's delete
    sends signals for each of 50,000 rows and takes minutes), and the tables vacuumed and their
    indexes rebuilt, so that each run starts from the same tables."""
    from django.db import connection

    from models_registry.models import ImportBatch, Registration, RegistrationEvent, Unit

    quote = connection.ops.quote_name
    registrations, events = quote(Registration._meta.db_table), quote(RegistrationEvent._meta.db_table)
    bench = (f"SELECT r.id FROM {registrations} r JOIN {quote(Unit._meta.db_table)} u ON u.id = r.unit_id "
             "WHERE u.code LIKE %s")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {events} WHERE registration_id IN ({bench})", [PREFIX + "%"])
        cursor.execute(f"DELETE FROM {registrations} WHERE id IN ({bench})", [PREFIX + "%"])
        ImportBatch.objects.all().delete()
        if connection.vendor == "postgresql":
            for table in (registrations, events):
                # Rebuilt (cheap once emptied), so the runs' deleted rows do not bloat the next's indexes.
                cursor.execute(f"REINDEX TABLE {table}")
                cursor.execute(f"VACUUM ANALYZE {table}")


def library_dataset(path, rows):
    """The first `rows` rows of the sheet as tablib loads them, under the model's field names."""
    import tablib

    from models_registry.models import Unit
    from models_registry.services.imports.registrations import COLUMNS

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle, format="xlsx")
    units = {u.code: u.pk for u in Unit.objects.filter(code__startswith=PREFIX)}
    by_name = {(u.area.code, u.name): u.pk for u in Unit.objects.filter(code__startswith=PREFIX).select_related("area")}
    columns = {c.header: c for c in COLUMNS}
    keys = [columns[h].key for h in dataset.headers if h in columns and columns[h].key not in UNIT_KEYS]
    prepared = tablib.Dataset(headers=["unit", *keys])
    for values in dataset[:rows]:
        row = dict(zip(dataset.headers, values, strict=True))
        unit = units.get(row["Mã đơn vị"]) or by_name[(row["Mã xã"], row["Tên đơn vị"])]
        prepared.append([unit, *(columns[h].clean(v) for h, v in row.items()
                                 if h in columns and columns[h].key not in UNIT_KEYS)])
    return prepared


def server_cpu():
    """Processor seconds of this process's PostgreSQL backend so far, when it runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phase(name, path, rows):
    """Run one phase in this process and return its figures."""
    setup_django()
    from models_registry.models import ImportBatch, Registration
    from models_registry.services import imports

    if name == "library":
        from import_export import resources

        class RegistrationResource(resources.ModelResource):
            class Meta:
                model = Registration

        dataset = library_dataset(path, rows)
    server_started = server_cpu()
    started, cpu_started = time.perf_counter(), time.process_time()
    if name == "read":
        with open(path, "rb") as handle:
            ok = len(imports.read(handle, Path(path).name).rows) > 0
    elif name == "reload":
        # A preview opened again: the upload was parsed once and kept; only the check runs.
        import types

        from django.test import override_settings

        from models_registry.services.imports import uploads

        user = types.SimpleNamespace(pk=0, is_superuser=True)
        with override_settings(MEDIA_ROOT=str(Path(path).parent / "media")):
            with open(path, "rb") as handle:
                token = uploads.store(user, ImportBatch.Kind.REGISTRATIONS, handle, Path(path).name)
            server_started = server_cpu()
            started, cpu_started = time.perf_counter(), time.process_time()
            ok = uploads.check(user, token).ok
    elif name == "openpyxl":
        # The library's own read-only reader over the same sheet, to weigh the streaming reader.
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ok = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) > 1
        book.close()
    elif name == "library":
        import tablib

        # Loading the file is timed as the portal's reading is; turning codes into ids is not.
        with open(path, "rb") as handle:
            tablib.Dataset().load(handle, format="xlsx")
        result = RegistrationResource().import_data(dataset, dry_run=False)
        ok = not result.has_errors() and not result.has_validation_errors()
        if not ok:
            print(result.invalid_rows[:3] or [row.errors for row in result.error_rows[:3]], file=sys.stderr)
    else:
        with open(path, "rb") as handle:
            report = imports.import_file(ImportBatch.Kind.REGISTRATIONS, handle, Path(path).name,
                                         write=(name == "import"))
        ok = report.ok
        if not ok:
            print("\n".join(str(p) for p in report.problems[:10]), file=sys.stderr)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    server_ended = server_cpu()
    return {"phase": name, "seconds": seconds, "cpu": cpu, "ok": ok, "rows": rows,
            "server": None if server_started is None or server_ended is None else server_ended - server_started,
            "saved": Registration.objects.filter(unit__code__startswith=PREFIX).count(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "load": os.getloadavg()[0]}


def child(name, path, rows):
    output = subprocess.run([sys.executable, __file__, "--phase", name, "--file", str(path), "--rows", str(rows)],
                            check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(output.stdout.strip().splitlines()[-1])


def show(r, label=None):
    server = f" + {r['server']:6.2f} s server CPU" if r.get("server") is not None else ""
    print(f"  {label or r['phase']:<12} {r['seconds']:7.2f} s wall {r['cpu']:7.2f} s CPU{server}  "
          f"{r['rows'] / r['seconds']:8,.0f} rows/s  peak {r['peak_mb']:5.0f} MB  saved {r['saved']:,}  "
          f"{'ok' if r['ok'] else 'REJECTED'}  load {r['load']:.1f}", flush=True)


def repeated(name, path, rows, times):
    """`times` runs of a writing phase, each on the tables emptied of the bench's rows."""
    results = []
    for run in range(times):
        clear()
        results.append(child(name, path, rows))
        show(results[-1], f"{name} {run + 1}/{times}")
    clear()
    return results


def summary(results):
    seconds = [r["seconds"] for r in results]
    return min(seconds), statistics.median(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the import and of the library's import")
    parser.add_argument("--library-rows", type=int, default=5000,
                        help="rows given to django-import-export's default import (its time is scaled to --rows)")
    parser.add_argument("--skip-library", action="store_true", help="do not time django-import-export's import")
    parser.add_argument("--skip-reader", action="store_true",
                        help="do not time the reader alone against openpyxl's read-only mode")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.file, args.rows)))
        return

    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    ensure_database()
    setup_django()
    from django.conf import settings

    seed()
    path = workdir / f"dang-ky-{args.rows}.{args.format}"
    generate(path, args.rows, args.format)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"{args.rows:,} rows, {path.stat().st_size / 1024 / 1024:.1f} MB {args.format}, database: {engine}, "
          f"load average {load} (1, 5, 15 min) on {os.cpu_count()} cores", flush=True)

    clear()
    for name in ("preview", "reload"):
        show(child(name, path, args.rows))
    imported = repeated("import", path, args.rows, args.repeat)
    library = []
    if not args.skip_library:
        library_rows = min(args.library_rows, args.rows)
        library_path = workdir / f"dang-ky-{library_rows}.xlsx"
        generate(library_path, library_rows, "xlsx")  # the first rows of the same sheet
        library = repeated("library", library_path, library_rows, args.repeat)
    if not args.skip_reader and args.format == "xlsx":
        read, openpyxl = child("read", path, args.rows), child("openpyxl", path, args.rows)
        show(read)
        show(openpyxl)
        print(f"  the streaming reader reads the sheet {openpyxl['cpu'] / read['cpu']:.1f}× faster than "
              f"openpyxl's read-only mode (CPU time)")

    best, median = summary(imported)
    peak = max(r["peak_mb"] for r in imported)
    print(f"  portal import of {args.rows:,} rows: best {best:.1f} s, median {median:.1f} s, peak {peak:.0f} MB "
          f"(target for 50,000 rows: < 12 s, < 250 MB)")
    if library:
        scale = args.rows / library_rows
        library_best, library_median = (seconds * scale for seconds in summary(library))
        scaled = f", scaled ×{scale:g} to {args.rows:,} rows" if scale != 1 else ""
        print(f"  django-import-export default import of {library_rows:,} rows{scaled}: best {library_best:.1f} s, "
              f"median {library_median:.1f} s")
        print(f"  portal import {best:.1f} s, django-import-export default {library_best:.0f} s, "
              f"ratio {library_best / best:.1f}× (best of each; medians {library_median / median:.1f}×)")
    print(f"  load average at the end: {' '.join(f'{n:.1f}' for n in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
