"""Every date or time a person reads is written in a zone, by one helper (`domain.local_time`, the
templates' `| local(zone)`); a template that prints an instant as it is fails loudly."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from fleetbill.domain.local_time import day_text, instant_in_text, last_day_before, local_day, local_text
from fleetbill.entrypoints.web.i18n import translator
from fleetbill.entrypoints.web.rendering import templates

ONE_AM_DEC_2_TOKYO = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # still Dec 1 in UTC
TEMPLATES = sorted((Path(__file__).parents[2] / "src" / "fleetbill" / "entrypoints").glob("*/templates/*.html"))


def test_r19_an_instant_reads_as_the_day_and_time_of_the_zone_it_is_shown_in():
    assert local_text(ONE_AM_DEC_2_TOKYO, "Asia/Tokyo", "day") == "2026-12-02"
    assert local_text(ONE_AM_DEC_2_TOKYO, "Asia/Tokyo") == "2026-12-02 01:00"
    assert local_text(ONE_AM_DEC_2_TOKYO, "America/New_York", "second") == "2026-12-01 11:00:00"
    assert local_text(ONE_AM_DEC_2_TOKYO, "Asia/Tokyo", "day", "ja") == "2026年12月2日"
    assert local_text(ONE_AM_DEC_2_TOKYO, "Asia/Tokyo", "minute", "ja") == "2026年12月2日 01:00"
    assert local_day(ONE_AM_DEC_2_TOKYO, "Asia/Tokyo") == date(2026, 12, 2)
    assert day_text(date(2026, 2, 28), "ja") == "2026年2月28日" and day_text(date(2026, 2, 28)) == "2026-02-28"


def test_r18_a_due_date_that_ends_at_midnight_reads_as_the_day_before_in_the_accounts_zone():
    # due at the start of Mar 1 in New York (05:00 UTC): the last day to pay is Feb 28 there
    assert last_day_before(datetime(2026, 3, 1, 5, tzinfo=UTC), "America/New_York") == date(2026, 2, 28)
    assert last_day_before(datetime(2026, 2, 28, 15, tzinfo=UTC), "Asia/Tokyo") == date(2026, 2, 28)


def test_a_naive_instant_is_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        local_text(datetime(2026, 12, 2, 1, 0), "Asia/Tokyo")


def test_an_instants_iso_text_in_details_is_shown_in_the_zone_and_anything_else_as_it_is():
    assert instant_in_text("2026-02-28 15:00:00+00:00", "Asia/Tokyo") == "2026-03-01 00:00"
    assert instant_in_text("2019-10-01T00:00:00+09:00", "Asia/Tokyo", "second") == "2019-10-01 00:00:00"
    assert instant_in_text(ONE_AM_DEC_2_TOKYO, "Asia/Tokyo") == "2026-12-02 01:00"
    for other in ("2026-02", "welcome", 1200, None, "2026-02-28 15:00:00"):  # no offset: not an instant
        assert instant_in_text(other, "Asia/Tokyo") is None


def test_a_template_that_prints_an_instant_as_it_is_fails():
    page = templates.env.from_string("<td>{{ at }}</td>")
    with pytest.raises(TypeError, match=r"\| local\(zone\)"):
        page.render(at=ONE_AM_DEC_2_TOKYO)
    shown = templates.env.from_string('<td>{{ at | local(zone, "day") }}</td>').render(
        at=ONE_AM_DEC_2_TOKYO, zone="Asia/Tokyo"
    )
    assert shown == "<td>2026-12-02</td>"


def test_an_instant_handed_to_the_translator_as_it_is_fails():
    with pytest.raises(TypeError):
        translator("en")("We try again on {date}; add another card to pay now.", date=ONE_AM_DEC_2_TOKYO)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_template_formats_an_instant_itself(template):
    # strftime, isoformat or astimezone in a template would print UTC's day (or an offset):
    # every instant goes through `| local(zone, ...)`, which always names the zone
    source = template.read_text()
    assert not re.search(r"\.(strftime|isoformat|astimezone)\(", source)
    assert all(call.strip() for call in re.findall(r"\|\s*local\(([^)]*)\)", source))
