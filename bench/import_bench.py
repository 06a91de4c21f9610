"""Benchmark of the registration import: preview, preview opened again (the upload kept
parsed), and import of an N-row file; and the streaming reader alone against openpyxl's
read-only mode on the same sheet.

    .venv/bin/python bench/import_bench.py --rows 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench .venv/bin/python bench/import_bench.py

Without DATABASE_URL a throw-away SQLite file is used. Each phase runs in its own
process so that its peak memory (maximum resident set size) is its own. Wall and CPU
time are both shown: on a shared machine the wall time also counts other processes.
Targets (issue 5): 10,000 rows previewed < 5 s and imported < 5 s; 50,000 rows < 25 s
under 300 MB.
"""
import argparse
import json
import os
import random
import resource
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
    from models_registry.models import ImportBatch, Registration

    Registration.objects.filter(unit__code__startswith=PREFIX).delete()
    ImportBatch.objects.all().delete()


def phase(name, path):
    """Run one phase in this process and return its figures."""
    setup_django()
    from models_registry.models import ImportBatch, Registration
    from models_registry.services import imports

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
            started, cpu_started = time.perf_counter(), time.process_time()
            ok = uploads.check(user, token).ok
    elif name == "openpyxl":
        # The library's own read-only reader over the same sheet, to weigh the streaming reader.
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ok = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) > 1
        book.close()
    else:
        with open(path, "rb") as handle:
            report = imports.import_file(ImportBatch.Kind.REGISTRATIONS, handle, Path(path).name,
                                         write=(name == "import"))
        ok = report.ok
        if not ok:
            print("\n".join(str(p) for p in report.problems[:10]), file=sys.stderr)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"phase": name, "seconds": seconds, "cpu": cpu, "ok": ok,
            "saved": Registration.objects.filter(unit__code__startswith=PREFIX).count(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child(name, path):
    output = subprocess.run([sys.executable, __file__, "--phase", name, "--file", str(path)],
                            check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--skip-reader", action="store_true",
                        help="do not time the reader alone against openpyxl's read-only mode")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.file)))
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
    print(f"{args.rows:,} rows, {path.stat().st_size / 1024 / 1024:.1f} MB {args.format}, database: {engine}")

    clear()
    results = [child("preview", path), child("reload", path), child("import", path)]
    if not args.skip_reader and args.format == "xlsx":
        results += [child("read", path), child("openpyxl", path)]
    clear()
    for r in results:
        rate = args.rows / r["seconds"]
        print(f"  {r['phase']:<8} {r['seconds']:7.2f} s wall {r['cpu']:7.2f} s CPU  {rate:9,.0f} rows/s  "
              f"peak {r['peak_mb']:6.0f} MB  saved {r['saved']:,}  {'ok' if r['ok'] else 'REJECTED'}")
    if len(results) == 5:
        print(f"  the streaming reader reads the sheet {results[4]['cpu'] / results[3]['cpu']:.1f}× faster than "
              f"openpyxl's read-only mode (CPU time)")
    print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
