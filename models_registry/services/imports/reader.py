"""The one reader of uploaded spreadsheets (.xlsx and .csv), bounded in every dimension.

A clerk's 50,000-row sheet has a million cells, and openpyxl builds an object per cell
(about 40,000 cells a second here). This reader scans the first sheet's XML with regular
expressions, row by row, in constant memory, several times faster; the workbook's small index
files are read with expat. A formula cell is returned as its formula text ("=SUM(A1:A3)") so
the importers refuse it rather than trust a cached result.

Files are also hostile input: a 2 KB .xlsx can claim a cell in column "AAAAAAA", a row
numbered 10^12, a million shared strings or a gigabyte of XML. Every such claim is checked
against `Limits` as it is read, never padded out, and refused with a message in the user's
language within the time limit. Rows are kept with their sheet numbers, so gaps cost nothing.
"""
import codecs
import csv
import io
import posixpath
import re
import time
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

# What Excel itself can hold; beyond these a sheet is not a real one.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
# The workbook's index files (workbook.xml and its relationships) are small.
MAX_INDEX_BYTES = 4 * 1024 * 1024
# Cell elements one row may hold per allowed column: Excel writes styled empty cells too, but
# never thousands of them in one row.
ROW_CELLS_PER_COLUMN = 5
# One row of XML longer than this is not a clerk's row.
MAX_ROW_BYTES = 32 * 1024 * 1024
# Distinct cells whose values a read keeps, so that each is read once (see _Sheet.value).
MAX_REMEMBERED_VALUES = 100_000


class Refused(Exception):
    """The file as a whole cannot be read; str() is the reason, in the user's language."""


@dataclass(frozen=True)
class Limits:
    bytes: int
    rows: int
    columns: int
    cells: int
    seconds: float
    shared_strings: int
    shared_strings_bytes: int
    xml_bytes: int

    @classmethod
    def from_settings(cls):
        return cls(
            bytes=settings.IMPORT_MAX_BYTES, rows=settings.IMPORT_MAX_ROWS, columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS, seconds=settings.IMPORT_MAX_SECONDS,
            shared_strings=settings.IMPORT_MAX_SHARED_STRINGS,
            shared_strings_bytes=settings.IMPORT_MAX_SHARED_STRINGS_BYTES, xml_bytes=settings.IMPORT_MAX_XML_BYTES,
        )


@dataclass
class Table:
    """The header row and the data rows of a file, each with its row number in the sheet."""

    header_number: int
    headers: list
    rows: list  # [(row number, [values])], values str, int, float, bool or None

    def to_json(self):
        return {"header": [self.header_number, self.headers], "rows": self.rows}

    @classmethod
    def from_json(cls, data):
        number, headers = data["header"]
        return cls(number, headers, [(n, values) for n, values in data["rows"]])


def read_table(fileobj, file_name, limits=None):
    """The Table of an .xlsx or .csv file (an open binary file), or Refused."""
    limits = limits or Limits.from_settings()
    clock = _Clock(limits.seconds)
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    fileobj.seek(0)
    if size > limits.bytes:
        raise Refused(_("Tệp lớn %(size)s, vượt giới hạn %(limit)s. Hãy chia thành nhiều tệp nhỏ hơn.")
                      % {"size": _mb(size), "limit": _mb(limits.bytes)})
    if size == 0:
        raise Refused(_("Tệp rỗng."))
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"PK"):
        rows = _xlsx_rows(fileobj, limits, clock)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(_("Tệp Excel định dạng cũ (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dạng .xlsx."))
    elif file_name.lower().endswith((".csv", ".txt")):
        rows = _csv_rows(fileobj, limits)
    else:
        raise Refused(_("Tệp không phải bảng tính Excel (.xlsx) hoặc CSV."))
    return _collect(rows, limits, clock)


def _mb(size):
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


class _Clock:
    """The time this thread has spent reading: on a busy server a large honest file reads slower
    by the clock on the wall, but no slower by its own processor time, which a bomb exhausts."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadline = time.thread_time() + seconds

    def check(self):
        if time.thread_time() > self.deadline:
            raise Refused(_("Đọc tệp mất quá %(seconds)s giây nên đã dừng. Hãy chia thành nhiều tệp nhỏ hơn, "
                            "hoặc mở bằng Excel và lưu lại.") % {"seconds": f"{self.seconds:g}".replace(".", ",")})


def _collect(rows, limits, clock):
    headers = None
    data = []
    for count, (number, values) in enumerate(rows):
        if count % 1000 == 0:
            clock.check()
        values = _trimmed(values)
        if not values:
            continue
        if headers is None:
            headers = (number, values)
            continue
        data.append((number, values))
        if len(data) > limits.rows:
            raise Refused(_("Tệp có hơn %(rows)s dòng dữ liệu, vượt giới hạn. Hãy chia thành nhiều tệp.")
                          % {"rows": _grouped(limits.rows)})
    if headers is None:
        raise Refused(_("Tệp không có dữ liệu: dòng đầu phải là tiêu đề cột."))
    if not data:
        raise Refused(_("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."))
    return Table(headers[0], headers[1], data)


def _trimmed(values):
    """The row without its trailing empty cells ([] for a blank row)."""
    end = len(values)
    while end and (values[end - 1] is None or (isinstance(values[end - 1], str) and not values[end - 1].strip())):
        end -= 1
    return list(values[:end])


def _grouped(number):
    return f"{number:,}".replace(",", ".")


def _too_many_cells(limits):
    return Refused(_("Tệp có hơn %(cells)s ô, vượt giới hạn. Hãy xóa các cột, dòng thừa hoặc chia nhỏ tệp.")
                   % {"cells": _grouped(limits.cells)})


def _too_wide(limits):
    return Refused(_("Tệp có dữ liệu ở quá %(columns)s cột, vượt giới hạn. Hãy xóa các cột thừa.")
                   % {"columns": limits.columns})


# CSV --------------------------------------------------------------------------------------------

def _csv_rows(fileobj, limits):
    raw = fileobj.read(limits.bytes + 1)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise Refused(_("Tệp CSV phải lưu với bảng mã UTF-8 (trong Excel: “CSV UTF-8”).")) from None
    del raw
    if "\x00" in text:
        raise Refused(_("Tệp có ký tự NUL: không phải tệp CSV văn bản. Hãy lưu lại dạng “CSV UTF-8”."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    cells = 0
    try:
        for number, row in enumerate(reader, 1):
            cells += len(row) + 1
            if cells > limits.cells:
                raise _too_many_cells(limits)
            if len(row) > limits.columns and any(cell.strip() for cell in row[limits.columns:]):
                raise _too_wide(limits)
            yield number, row[:limits.columns]
    except csv.Error:
        raise Refused(_("Tệp CSV không đọc được (một ô quá dài hoặc dấu ngoặc kép không đóng). Hãy lưu lại dạng "
                        "“CSV UTF-8”.")) from None


# XLSX -------------------------------------------------------------------------------------------

def _not_xlsx():
    return Refused(_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."))


def _unsafe_xml():
    return Refused(_("Tệp có khai báo DTD hoặc thực thể XML, không được nhận vì lý do an toàn. Hãy mở bằng Excel "
                     "và lưu lại dạng .xlsx."))


def _xlsx_rows(fileobj, limits, clock):
    try:
        book = zipfile.ZipFile(fileobj)
        names = set(book.namelist())
        if any(name.startswith("xl/externalLinks/") for name in names):
            raise Refused(_("Tệp có liên kết tới bảng tính khác. Hãy chép rồi dán giá trị (không dán liên kết) và "
                            "lưu lại trước khi nhập."))
        sheet_path = _first_sheet_path(book)
        strings = _shared_strings(book, limits, clock)
        info = book.getinfo(sheet_path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, expat.ExpatError):
        raise _not_xlsx() from None
    if info.file_size > limits.xml_bytes:
        book.close()
        raise Refused(_("Bảng tính giải nén ra quá lớn (%(size)s), vượt giới hạn %(limit)s.")
                      % {"size": _mb(info.file_size), "limit": _mb(limits.xml_bytes)})
    try:
        with book, book.open(info) as sheet:
            yield from _sheet_rows(sheet, strings, limits, clock)
    except (IndexError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError, EOFError):
        raise _not_xlsx() from None


def _local(name):
    return name.rsplit(":", 1)[-1]


def _parser(start, end=None, text=None):
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def refuse_dtd(*args):
        raise _unsafe_xml()

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


def _feed(parser, book, name, limit, clock=None):
    info = book.getinfo(name)
    if info.file_size > limit:
        raise Refused(_("Một phần của bảng tính giải nén ra quá lớn (%(size)s).") % {"size": _mb(info.file_size)})
    with book.open(info) as stream:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
            if clock:
                clock.check()
        parser.Parse(b"", True)


def _first_sheet_path(book):
    targets = {}
    first = []

    def rel_start(name, attrs):
        if _local(name) == "Relationship":
            if attrs.get("TargetMode", "").lower() == "external":
                raise Refused(_("Tệp có liên kết tới tệp hoặc địa chỉ bên ngoài. Hãy chép rồi dán giá trị và lưu "
                                "lại trước khi nhập."))
            targets[attrs.get("Id")] = attrs.get("Target", "")

    def book_start(name, attrs):
        if _local(name) == "sheet" and not first:
            first.append(next((v for k, v in attrs.items() if _local(k) == "id"), None))

    _feed(_parser(rel_start), book, "xl/_rels/workbook.xml.rels", MAX_INDEX_BYTES)
    _feed(_parser(book_start), book, "xl/workbook.xml", MAX_INDEX_BYTES)
    target = targets.get(first[0] if first else None)
    if not target:
        raise _not_xlsx()
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(book, limits, clock):
    try:
        book.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings, parts = [], []
    state = {"in_text": False, "skip": 0}

    def start(name, attrs):
        name = _local(name)
        if name == "t" and not state["skip"]:
            state["in_text"] = True
        elif name in ("rPh", "phoneticPr"):  # East-Asian reading hints are not part of the text
            state["skip"] += 1

    def end(name):
        name = _local(name)
        if name == "t":
            state["in_text"] = False
        elif name in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif name == "si":
            strings.append("".join(parts))
            parts.clear()
            if len(strings) > limits.shared_strings:
                raise Refused(_("Bảng tính có hơn %(count)s chuỗi văn bản, vượt giới hạn.")
                              % {"count": _grouped(limits.shared_strings)})

    def text(data):
        if state["in_text"]:
            parts.append(data)

    _count_strings(book, limits)
    _feed(_parser(start, end, text), book, "xl/sharedStrings.xml", limits.shared_strings_bytes, clock)
    return strings


def _count_strings(book, limits):
    """Refuse too many shared strings before parsing them: counting is a byte scan, parsing
    a million strings takes seconds."""
    info = book.getinfo("xl/sharedStrings.xml")
    if info.file_size > limits.shared_strings_bytes:
        return  # _feed refuses it by its size
    count, tail = 0, b""
    with book.open(info) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            # A tag cut at the chunk's end is counted with the next chunk.
            cut = data.rfind(b"<")
            count += len(_STRING_START.findall(data, 0, cut))
            tail = data[cut:]
            if count > limits.shared_strings:
                raise Refused(_("Bảng tính có hơn %(count)s chuỗi văn bản, vượt giới hạn.")
                              % {"count": _grouped(limits.shared_strings)})


_STRING_START = re.compile(rb"<(?:\w+:)?si[\s>/]")
# A row's body is read up to its end tag as runs of anything but "<": a lazy ".*?" tries the end
# tag at every character, which took more time than the rest of the row.
_ROW = re.compile(r"<(?:\w+:)?row\b([^>]*?)(?:/>|>([^<]*(?:<(?!/(?:\w+:)?row>)[^<]*)*)</(?:\w+:)?row>)")
# A cell with its column letters and type read by look-aheads, so one findall per row does it all.
_CELL = re.compile(r'<(?:\w+:)?c\b(?:(?=[^>]*?\sr="([A-Za-z]+))|)(?:(?=[^>]*?\st="(\w+)")|)[^>]*?'
                   r"(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(r"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_INLINE = re.compile(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", re.S)
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")
_ROW_NUMBER = re.compile(r'\sr="(\d+)"')
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][\w.-]*);|&")
_XML_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape(match):
    # openpyxl writes every Vietnamese letter as a character reference (&#7871;): a sheet holds
    # a few hundred distinct ones, hundreds of thousands of times.
    entity = match.group(0)
    text = _DECODED.get(entity)
    if text is None:
        text = _decode(match)
        if len(_DECODED) < 20000:
            _DECODED[entity] = text
    return text


_DECODED = {}
_UNREAD = object()


def _decode(match):
    name = match.group(1)
    if name is None:
        raise _not_xlsx()
    if name[0] == "#":
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        if not 0 < code <= 0x10FFFF or len(name) > 10:
            raise _not_xlsx()
        return chr(code)
    if name not in _XML_ENTITIES:  # an undefined entity: the XML is not well-formed
        raise _unsafe_xml()
    return _XML_ENTITIES[name]


def _text(raw):
    return _ENTITY.sub(_unescape, raw) if "&" in raw else raw


def _number(text):
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "e" not in text.lower() and abs(value) < 2**63 else value


def _cell_value(kind, body, strings):
    if "<f" in body or ":f" in body:
        formula = _FORMULA.search(body)
        if formula:
            # Shared formulas carry their text on the first cell only.
            return "=" + _text(formula.group(1) or "")
    if kind == "inlineStr":
        return _text("".join(_INLINE.findall(body)))
    if body.startswith("<v>") and body.endswith("</v>"):
        raw = body[3:-4]
    else:
        value = _VALUE.search(body)
        if value is None:
            return None
        raw = value.group(1)
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return raw == "1"
    if kind in ("str", "e"):
        return _text(raw)
    return _number(raw)


def _outside_excel():
    return Refused(_("Bảng tính ghi một ô ở ngoài giới hạn của Excel (cột hoặc số dòng quá lớn, hoặc sai thứ tự): "
                     "tệp bị hỏng hoặc không do Excel tạo. Hãy mở bằng Excel và lưu lại."))


def _column_index(letters):
    if len(letters) > 3:
        raise _outside_excel()
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    if index > EXCEL_COLUMNS:
        raise _outside_excel()
    return index - 1


class _Sheet:
    def __init__(self, strings, limits, clock):
        self.strings, self.limits, self.clock = strings, limits, clock
        self.last_row = 0
        self.columns = {}  # column letters → index, cached across rows
        self.cells = 0
        # (type, XML) → value: a column repeats a few labels, codes, years and figures
        # thousands of times, and each is decoded once.
        self.values = {}

    def rows(self, segment):
        limits, values = self.limits, self.values
        for match in _ROW.finditer(segment):
            number = _ROW_NUMBER.search(" " + match.group(1))
            number = int(number.group(1)) if number and len(number.group(1)) < 9 else (
                EXCEL_ROWS + 1 if number else self.last_row + 1)
            if number > EXCEL_ROWS or number <= self.last_row:
                raise _outside_excel()
            self.last_row = number
            body = match.group(2)
            if not body:
                self.cells += 1
                continue
            # Counted before parsing: a row of 16,384 empty cells is refused at once, not read.
            count = body.count("<") // 2 + 1
            if count > limits.columns * ROW_CELLS_PER_COLUMN:
                raise _too_wide(limits)
            found = _CELL.findall(body)
            self.cells += len(found) + 1
            if self.cells > limits.cells:
                raise _too_many_cells(limits)
            cells = {}
            position = 0
            for letters, kind, cell_body in found:
                if letters:
                    position = self.columns.get(letters)
                    if position is None:
                        position = self.columns[letters] = _column_index(letters)
                if cell_body:
                    value = values.get((kind, cell_body), _UNREAD)
                    if value is _UNREAD:
                        value = _cell_value(kind or "n", cell_body, self.strings)
                        if len(values) < MAX_REMEMBERED_VALUES:
                            values[kind, cell_body] = value
                    if value is not None and value != "":
                        if position >= limits.columns:
                            raise _too_wide(limits)
                        cells[position] = value
                position += 1
                if position > EXCEL_COLUMNS:
                    raise _outside_excel()
            if cells:
                yield number, [cells.get(i) for i in range(max(cells) + 1)]


def _sheet_rows(sheet, strings, limits, clock):
    """The sheet read in chunks cut after the last complete row, each scanned with regular
    expressions (which run in C)."""
    reader = _Sheet(strings, limits, clock)
    pending = b""
    first = True
    while chunk := sheet.read(1 << 20):
        clock.check()
        if b"\x00" in chunk:  # never in well-formed XML, and refused by PostgreSQL in any text
            raise _not_xlsx()
        pending += chunk
        if first or b"<!" in pending:
            if re.search(rb"<!(DOCTYPE|ENTITY)", pending):
                raise _unsafe_xml()
            first = False
        ends = list(_ROW_END.finditer(pending))
        if not ends:
            if len(pending) > MAX_ROW_BYTES:
                raise Refused(_("Một dòng của bảng tính quá dài, vượt giới hạn."))
            continue
        cut = ends[-1].end()
        yield from reader.rows(pending[:cut].decode("utf-8"))
        pending = pending[cut:]
    yield from reader.rows(pending.decode("utf-8"))
