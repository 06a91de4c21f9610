"""A streaming reader for the first sheet of an .xlsx file.

openpyxl builds an object per cell and reads about 40,000 cells a second here; a
clerk's 50,000-row sheet has a million cells. This reader scans the sheet's XML
with regular expressions, row by row, and yields plain tuples, several times faster,
in constant memory (the workbook's small index files are read with expat).
A formula cell is returned as its formula text ("=SUM(A1:A3)") so the import can
refuse it rather than trust a cached result.
"""
import html
import posixpath
import re
import zipfile
from xml.parsers import expat

# Shared strings are held in memory; more than this uncompressed is not a clerk's sheet.
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024


class NotXlsx(Exception):
    pass


def _local(name):
    return name.rsplit(":", 1)[-1]


def _parser(start, end, text):
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def refuse_dtd(*args):
        raise NotXlsx("DTD in workbook XML")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def _feed(parser, stream):
    while chunk := stream.read(1 << 16):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _column_index(ref):
    index = 0
    for ch in ref:
        if ch > "Z" or ch < "A":
            break
        index = index * 26 + ord(ch) - 64
    return index - 1


def _first_sheet_path(book):
    targets = {}
    state = {"first": None}

    def rel_start(name, attrs):
        if _local(name) == "Relationship":
            targets[attrs.get("Id")] = attrs.get("Target", "")

    def book_start(name, attrs):
        if _local(name) == "sheet" and state["first"] is None:
            state["first"] = next((v for k, v in attrs.items() if _local(k) == "id"), None)

    with book.open("xl/_rels/workbook.xml.rels") as stream:
        _feed(_parser(rel_start, lambda name: None, lambda data: None), stream)
    with book.open("xl/workbook.xml") as stream:
        _feed(_parser(book_start, lambda name: None, lambda data: None), stream)
    target = targets.get(state["first"])
    if not target:
        raise NotXlsx("no sheet")
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(book):
    try:
        info = book.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return []
    if info.file_size > MAX_SHARED_STRINGS_BYTES:
        raise NotXlsx("shared strings too large")
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

    def text(data):
        if state["in_text"]:
            parts.append(data)

    with book.open(info) as stream:
        _feed(_parser(start, end, text), stream)
    return strings


def _number(text):
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "e" not in text.lower() else value


_ROW = re.compile(r"<(?:\w+:)?row\b([^>]*)>(.*?)</(?:\w+:)?row>|<(?:\w+:)?row\b([^>]*)/>", re.S)
# A cell with its column letters and type read by look-aheads, so one findall per row does it all.
_CELL = re.compile(r'<(?:\w+:)?c\b(?:(?=[^>]*?\sr="([A-Z]+))|)(?:(?=[^>]*?\st="(\w+)")|)[^>]*?'
                   r"(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(r"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_INLINE = re.compile(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", re.S)
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")


def _text(raw):
    return html.unescape(raw) if "&" in raw else raw


def _attribute(attrs, name):
    start = attrs.find(f' {name}="')
    if start < 0:
        return None
    start += len(name) + 3
    return attrs[start:attrs.index('"', start)]


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


def _parse_rows(segment, strings, last_row, columns):
    """Rows of a piece of sheet XML holding whole rows; gaps become empty rows.

    `columns` caches column letters → index across calls.
    """
    for match in _ROW.finditer(segment):
        attrs = match.group(1) if match.group(1) is not None else match.group(3)
        number = _attribute(" " + attrs, "r")
        number = int(number) if number else last_row + 1
        for _ in range(number - last_row - 1):
            yield ()
        last_row = number
        cells = {}
        position = 0
        for letters, kind, body in _CELL.findall(match.group(2) or ""):
            if letters:
                position = columns.get(letters)
                if position is None:
                    position = columns[letters] = _column_index(letters)
            if body:
                value = _cell_value(kind or "n", body, strings)
                if value is not None:
                    cells[position] = value
            position += 1
        yield tuple(cells.get(i) for i in range(max(cells) + 1)) if cells else ()


def iter_rows(fileobj):
    """Yield each row of the first sheet as a tuple of values (str, int, float, bool or None).

    The sheet is read in chunks cut after the last complete row, and each chunk is
    scanned with regular expressions, which run in C.
    """
    try:
        book = zipfile.ZipFile(fileobj)
        sheet_path = _first_sheet_path(book)
        strings = _shared_strings(book)
        sheet = book.open(sheet_path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, expat.ExpatError) as error:
        raise NotXlsx(str(error)) from None
    row_counter = [0]
    columns = {}

    def rows_of(segment):
        for row in _parse_rows(segment.decode("utf-8"), strings, row_counter[0], columns):
            row_counter[0] += 1
            yield row

    pending = b""
    try:
        with sheet:
            while chunk := sheet.read(1 << 20):
                pending += chunk
                ends = list(_ROW_END.finditer(pending))
                if not ends:
                    continue
                cut = ends[-1].end()
                yield from rows_of(pending[:cut])
                pending = pending[cut:]
            yield from rows_of(pending)
    except (IndexError, ValueError, UnicodeDecodeError, zipfile.BadZipFile) as error:
        raise NotXlsx(str(error)) from None
    finally:
        book.close()
