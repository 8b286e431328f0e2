from datetime import date

import pytest

from analysis.core.dates import (
    PartialDateError,
    format_partial_date,
    human_date,
    parse_partial_date,
    period_end,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-11-20", (date(2015, 11, 20), "day")),
        ("2015-11", (date(2015, 11, 1), "month")),
        ("2015", (date(2015, 1, 1), "year")),
        (" 2007-01 ", (date(2007, 1, 1), "month")),
    ],
)
def test_parse_partial_date(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["20/11/2015", "2015-13", "2015-02-30", "Nov 2015", "15"])
def test_parse_partial_date_rejects(text):
    with pytest.raises(PartialDateError):
        parse_partial_date(text)


def test_period_end_and_format():
    assert period_end(date(2016, 2, 1), "month") == date(2016, 2, 29)
    assert period_end(date(2015, 12, 1), "month") == date(2015, 12, 31)
    assert period_end(date(2015, 1, 1), "year") == date(2015, 12, 31)
    assert format_partial_date(date(2015, 11, 1), "month") == "2015-11"
    assert human_date(date(2015, 11, 20)) == "20 November 2015"
    assert human_date(date(2015, 11, 1), "month") == "November 2015"


def test_the_period_and_the_data_recency_are_written_one_way():
    from analysis.core.dates import data_through_text, period_text

    assert period_text(date(2012, 1, 1), date(2025, 12, 31)) == "1 January 2012 to 31 December 2025"
    assert data_through_text(date(2023, 12, 31)) == "Data through 31 December 2023."
    assert data_through_text(None) == "No dated data was read for this report."
