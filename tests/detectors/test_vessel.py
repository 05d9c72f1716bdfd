"""Who a vessel is: identified, unidentified, small, or of unknown identity."""

from detectors.vessel import identity_expected, is_small_craft, is_unidentified

MIN = 60_000


def test_no_static_data_means_unidentified_only_where_identities_are_sent() -> None:
    assert is_unidentified({}, True) and is_small_craft({}, True)
    assert not is_unidentified({}, False) and not is_small_craft({}, False)
    # identity fields decide, whatever the feed
    cargo = {"name": "MV X", "ship_type": 70, "length_m": 180}
    assert not is_small_craft(cargo, True) and not is_small_craft(cargo, False)
    yacht = {"name": "Y", "ship_type": 37}
    assert is_small_craft(yacht, True) and is_small_craft(yacht, False)


def test_identity_is_expected_after_two_static_cycles() -> None:
    assert not identity_expected(True, None, 0)  # first fix: nothing could have come yet
    assert not identity_expected(True, 0, 11 * MIN)
    assert identity_expected(True, 0, 12 * MIN)
    assert not identity_expected(False, 0, 600 * MIN)


def test_a_class_a_station_without_static_data_is_not_an_unidentified_craft() -> None:
    # its transponder sends static data by itself: missing from the feed is the feed's gap
    assert not is_unidentified({"ais_class": "A"}, True)
    assert not is_small_craft({"ais_class": "A"}, True)
    assert is_unidentified({"ais_class": "B"}, True) and is_small_craft({"ais_class": "B"}, True)
