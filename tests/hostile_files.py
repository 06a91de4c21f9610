"""Small spreadsheets that claim huge or dangerous things (issue 20): each a few kilobytes
(most compress to almost nothing), each to be refused within seconds with a message."""
import io
import zipfile

WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>')
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Năm</t></is></c></row>'


def sheet(rows, prolog="", dimension=""):
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main">{dimension}<sheetData>{rows}</sheetData></worksheet>')


def xlsx(sheet_xml, shared=None, extra_rels="", extra_parts=None, level=9):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as book:
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", RELS.format(extra=extra_rels))
        book.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            book.writestr("xl/sharedStrings.xml", shared)
        for name, content in (extra_parts or {}).items():
            book.writestr(name, content)
    return buffer.getvalue()


def column_letter_bomb():
    return xlsx(sheet(HEADER_ROW + '<row r="2"><c r="AAAAAAA2" t="inlineStr"><is><t>x</t></is></c></row>'))


def row_number_gap_bomb():
    return xlsx(sheet(HEADER_ROW + '<row r="1000000000000"><c r="A1000000000000" t="inlineStr"><is><t>x</t></is>'
                      '</c></row>'))


def dimension_bomb():
    """A sheet that declares every cell of Excel's grid and holds one: nothing is padded out."""
    return xlsx(sheet(HEADER_ROW, dimension='<dimension ref="A1:XFD1048576"/>'))


def shared_strings_count_bomb():
    strings = "<si><t>a</t></si>" * 2_000_000
    return xlsx(sheet(HEADER_ROW), shared=f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                         f'{strings}</sst>')


def shared_strings_size_bomb():
    return xlsx(sheet(HEADER_ROW), shared='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                         f'<si><t>{"a" * 100_000_000}</t></si></sst>')


def wide_rows():
    """2,000 rows of 16,384 empty cells each."""
    row = "<c/>" * 16_384
    return xlsx(sheet(HEADER_ROW + "".join(f'<row r="{n}">{row}</row>' for n in range(2, 2002))), level=1)


def value_in_the_last_column():
    return xlsx(sheet(HEADER_ROW + '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'))


def zip_bomb():
    """A sheet of 300 MB of whitespace, compressed to about 1 MB."""
    head, tail = sheet(HEADER_ROW + "{}").split("{}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", RELS.format(extra=""))
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            for _ in range(300):
                part.write(b" " * 1_000_000)
            part.write(tail.encode())
    return buffer.getvalue()


def xxe():
    prolog = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return xlsx(sheet(HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
                      prolog=prolog))


def undefined_entity():
    return xlsx(sheet(HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&nbsp;&foo;</t></is></c></row>'))


def entity_in_shared_strings():
    shared = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>')
    return xlsx(sheet(HEADER_ROW), shared=shared)


def external_link():
    rel = ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'externalLink" Target="externalLinks/externalLink1.xml"/>')
    part = ('<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></externalLink>')
    return xlsx(sheet(HEADER_ROW), extra_rels=rel, extra_parts={"xl/externalLinks/externalLink1.xml": part})


def external_target():
    rel = ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'hyperlink" Target="http://169.254.169.254/" TargetMode="External"/>')
    return xlsx(sheet(HEADER_ROW), extra_rels=rel)


def nul_in_sheet():
    return xlsx(sheet(HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>a\x00b</t></is></c></row>'))


def csv_in_windows_1258():
    # Windows-1258 writes tone marks as combining characters after the letter.
    return "Năm,Tên mô hi\u0300nh\n2024,Tu\u0309 qua\u0300n a\u0301o\n".encode("cp1258")


def csv_in_utf16_without_bom():
    return "Năm,Mã đơn vị\n2024,DV-01\n".encode("utf-16-le")


def csv_with_nul():
    return "Năm,Mã đơn vị\n2024,DV\x0001\n".encode("utf-8")


def csv_wide():
    return ("Năm," + ",".join(["x"] * 20_000) + "\n2024\n").encode("utf-8")


def csv_cells_bomb():
    return ("Năm\n" + ("," * 3000 + "\n") * 2000).encode("utf-8")


# name → (file name, builder, a word the refusal must contain)
CORPUS = {
    "column-letter bomb": ("a.xlsx", column_letter_bomb, "giới hạn của Excel"),
    "row-number gap bomb": ("a.xlsx", row_number_gap_bomb, "giới hạn của Excel"),
    "dimension bomb": ("a.xlsx", dimension_bomb, "chỉ có dòng tiêu đề"),
    "shared-strings count bomb": ("a.xlsx", shared_strings_count_bomb, "chuỗi văn bản"),
    "shared-strings size bomb": ("a.xlsx", shared_strings_size_bomb, "quá lớn"),
    "16,384-wide rows": ("a.xlsx", wide_rows, "cột"),
    "value in column 16,384": ("a.xlsx", value_in_the_last_column, "cột"),
    "zip bomb": ("a.xlsx", zip_bomb, "quá lớn"),
    "XXE": ("a.xlsx", xxe, "DTD"),
    "undefined entity": ("a.xlsx", undefined_entity, "DTD hoặc thực thể XML"),
    "entity expansion in shared strings": ("a.xlsx", entity_in_shared_strings, "DTD"),
    "external workbook link": ("a.xlsx", external_link, "liên kết"),
    "external target": ("a.xlsx", external_target, "liên kết"),
    "NUL in the sheet": ("a.xlsx", nul_in_sheet, "Excel (.xlsx) hợp lệ"),
    "CSV in Windows-1258": ("a.csv", csv_in_windows_1258, "UTF-8"),
    "CSV in UTF-16 without a BOM": ("a.csv", csv_in_utf16_without_bom, "UTF-8"),
    "CSV with a NUL": ("a.csv", csv_with_nul, "NUL"),
    "CSV 20,000 columns wide": ("a.csv", csv_wide, "cột"),
    "CSV cells bomb": ("a.csv", csv_cells_bomb, "ô, vượt giới hạn"),
}
