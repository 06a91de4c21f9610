"""The one reader of Vietnamese numbers and dates (models_registry/parsing.py)."""
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models_registry.parsing import MAX_WHOLE_NUMBER, ParseError, parse_date, parse_whole_number


def grouped(number, separator="."):
    return f"{number:,}".replace(",", separator)


@pytest.mark.parametrize("text", ["30.000.000", "30 000 000", "30000000", "30\u00a0000\u00a0000", 30000000.0,
                                  30000000, " 30.000.000 ", "30,000,000"])
def test_thirty_million_written_any_usual_way(text):
    assert parse_whole_number(text) == 30_000_000


@pytest.mark.parametrize("text", ["30,5", "1.23", "1,500", "1.500,00", "12.34.567", "1.5e6", "30.5"])
def test_a_number_that_could_be_a_decimal_is_refused_not_guessed(text):
    with pytest.raises(ParseError, match="không rõ là số nguyên|Phải là số nguyên"):
        parse_whole_number(text)


@pytest.mark.parametrize("value, message", [
    (2.5, "không có phần lẻ"), ("mười", "Phải là số nguyên"), ("-5", "không được âm"), (-5, "không được âm"),
    (True, "Phải là số nguyên"), (float("nan"), "Phải là số nguyên"), ("9" * 30, "Số quá lớn"),
])
def test_what_is_not_a_whole_number_says_why_in_vietnamese(value, message):
    with pytest.raises(ParseError, match=message):
        parse_whole_number(value)


def test_bounds_are_checked_and_written_with_grouped_digits():
    with pytest.raises(ParseError, match="tối đa 1.000.000"):
        parse_whole_number("1.000.001", maximum=1_000_000)
    with pytest.raises(ParseError, match="từ 10 trở lên"):
        parse_whole_number("9", minimum=10)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_is_none(value):
    assert parse_whole_number(value) is None and parse_date(value) is None


@given(st.integers(min_value=0, max_value=MAX_WHOLE_NUMBER))
def test_every_whole_number_reads_back_from_every_grouping(number):
    for text in (str(number), grouped(number), grouped(number, " "), float(number) if number < 2**53 else number):
        assert parse_whole_number(text) == number


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_a_comma_decimal_is_never_read_as_a_whole_number(whole, fraction):
    with pytest.raises(ParseError):
        parse_whole_number(f"{whole},{fraction}")


@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_parse_error(text):
    try:
        number = parse_whole_number(text)
    except ParseError as error:
        assert str(error)
    else:
        assert number is None or 0 <= number <= MAX_WHOLE_NUMBER


@pytest.mark.parametrize("text, date", [
    ("15/10/2024", datetime.date(2024, 10, 15)), ("5/9/2025", datetime.date(2025, 9, 5)),
    ("05-09-2025", datetime.date(2025, 9, 5)), ("05.09.2025", datetime.date(2025, 9, 5)),
    ("2024-10-15", datetime.date(2024, 10, 15)), (45580, datetime.date(2024, 10, 15)),
    (45580.75, datetime.date(2024, 10, 15)), (datetime.datetime(2024, 10, 15, 8, 30), datetime.date(2024, 10, 15)),
])
def test_dates_written_the_vietnamese_way_or_as_excel_stores_them(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["32/13/2023", "29/02/2023", "15/10/23", "10/15", "mười lăm", 0, -3, 99999999, True])
def test_what_is_not_a_date_is_refused_with_the_format_to_use(text):
    with pytest.raises(ParseError, match="dd/mm/yyyy"):
        parse_date(text)


@given(st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)))
def test_every_date_reads_back_from_dd_mm_yyyy_and_from_its_excel_serial(date):
    assert parse_date(date.strftime("%d/%m/%Y")) == date
    assert parse_date(f"{date.day}/{date.month}/{date.year}") == date
    assert parse_date((date - datetime.date(1899, 12, 30)).days) == date


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_parse_error(text):
    try:
        parse_date(text)
    except ParseError as error:
        assert str(error)
