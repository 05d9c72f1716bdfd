import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stream.timeutil import MAX_TS_MS, MIN_TS_MS, iso, parse_ts_ms


def test_iso_whole_seconds_and_milliseconds() -> None:
    assert iso(1_741_968_000_000) == "2025-03-14T16:00:00Z"
    assert iso(1_741_968_000_007) == "2025-03-14T16:00:00.007Z"
    assert iso(1_741_968_000_250) == "2025-03-14T16:00:00.250Z"
    assert iso(0) == "1970-01-01T00:00:00Z"
    assert iso(-1) == "1969-12-31T23:59:59.999Z"


@given(st.integers(min_value=MIN_TS_MS, max_value=MAX_TS_MS))
def test_iso_round_trips_and_matches_datetime(ts_ms: int) -> None:
    # the cached per-second formatting gives what datetime gives for the whole instant
    d = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=ts_ms)
    want = d.strftime("%Y-%m-%dT%H:%M:%S") + (f".{ts_ms % 1000:03d}Z" if ts_ms % 1000 else "Z")
    assert iso(ts_ms) == want
    assert parse_ts_ms(iso(ts_ms)) == ts_ms


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (1_741_968_000, 1_741_968_000_000),  # epoch seconds
        (1_741_968_000_123, 1_741_968_000_123),  # epoch milliseconds
        ("2025-03-14T16:00:00Z", 1_741_968_000_000),
        ("2025-03-14 16:00:00", 1_741_968_000_000),  # naive: UTC
        ("14/03/2025 16:00", 1_741_968_000_000),
    ],
)
def test_parse_ts_ms_accepts_the_feed_formats(value: object, want: int) -> None:
    assert parse_ts_ms(value) == want


@pytest.mark.parametrize("value", [True, float("nan"), "", "yesterday", 10, None])
def test_parse_ts_ms_rejects_with_a_reason(value: object) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_ts_ms(value)
