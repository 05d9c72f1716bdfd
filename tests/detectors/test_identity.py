from detectors.identity import mmsi_problem
from tests.builders import T0, line, run, static, types


def test_mmsi_rules() -> None:
    assert mmsi_problem(237000001) is None  # Greece
    assert mmsi_problem(271000001) is None  # Turkey
    assert mmsi_problem(970123456) is None  # AIS-SART
    assert mmsi_problem(992371234) is None  # aid to navigation, Greek MID
    assert "8 digits" in (mmsi_problem(12345678) or "")
    assert "group-call" in (mmsi_problem(62585404) or "")  # 062585404 with its 0 dropped
    assert "not assigned" in (mmsi_problem(299000001) or "")
    assert "placeholder" in (mmsi_problem(111111111) or "")
    assert "placeholder" in (mmsi_problem(123456789) or "")


def test_invalid_identity_alerts_once_per_vessel() -> None:
    alerts = run(line("299000001", 14.5, 35.45, 90, 10, 20))
    assert types(alerts) == ["invalid_identity"]
    assert alerts[0].evidence["problem"].startswith("MID 299")


def test_name_change_mid_voyage() -> None:
    trk = line("237000001", 14.5, 35.45, 90, 10, 60)
    recs = [
        static("237000001", T0 - 1, name="AGIOS", callsign="SV1"),
        *trk,
        static("237000001", trk[30].ts_ms + 1, name="OTHER NAME", callsign="SV1"),
    ]
    alerts = run(recs)
    assert types(alerts) == ["identity_change"]
    assert alerts[0].evidence["changes"] == {"name": {"from": "AGIOS", "to": "OTHER NAME"}}


def test_first_static_and_cosmetic_changes_do_not_alert() -> None:
    trk = line("237000001", 14.5, 35.45, 90, 10, 60)
    recs = [
        *trk,
        static("237000001", trk[10].ts_ms + 1, name="AGIOS  NIKOLAOS"),
        static("237000001", trk[20].ts_ms + 1, name="agios nikolaos"),
    ]
    assert run(recs) == []
