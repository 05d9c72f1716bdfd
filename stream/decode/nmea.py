"""NMEA 0183 AIVDM/AIVDO (pyais) → typed records, with tag blocks and multi-part assembly.

A ``NmeaDecoder`` is stateful: it assembles fragments (also when fragments of different messages
interleave), remembers the last known time of the stream ($PGHP sentences, tag-block ``c:``) and
counts where each record's time came from, so a summary can say so.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from typing import Any

from pyais.exceptions import AISBaseException
from pyais.messages import NMEAMessage

from stream.decode.common import MAX_RECORD_BYTES, Record, Rejected, build_records
from stream.errors import DecodeError
from stream.timeutil import MAX_TS_MS, MIN_TS_MS

__all__ = ["POSITION_TYPES", "STATIC_TYPES", "NmeaDecoder", "base_station_ts_ms"]

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_TYPES = frozenset({5, 19, 24})
_CLASS_B = frozenset({18, 19, 24})
MAX_PENDING = 256  # open multi-part messages before the oldest is dropped as an orphan
MAX_FRAGMENT_AGE_LINES = 200  # a fragment not completed within this many lines is an orphan


def _checksum_ok(s: str) -> bool:
    star = s.rfind("*")
    if star < 1 or len(s) < star + 3:
        return False
    calc = 0
    for ch in s[1:star]:
        calc ^= ord(ch)
    try:
        return calc == int(s[star + 1 : star + 3], 16)
    except ValueError:
        return False


def _parse_tag_block(tb: str) -> dict[str, str]:
    """``s:2573238,c:1733782034*0A`` → {"s": "2573238", "c": "1733782034"} (checksum checked)."""
    body, _, cs = tb.partition("*")
    if cs:
        calc = 0
        for ch in body:
            calc ^= ord(ch)
        try:
            if calc != int(cs[:2], 16):
                raise DecodeError("nmea_bad_checksum", "tag block checksum mismatch")
        except ValueError:
            raise DecodeError("nmea_bad_tagblock", f"tag block checksum {cs!r}") from None
    out: dict[str, str] = {}
    for part in body.split(","):
        k, sep, v = part.partition(":")
        if sep:
            out[k.strip()] = v.strip()
    return out


def _pghp_ts_ms(line: str) -> int:
    """``$PGHP,1,YYYY,M,D,h,m,s,ms,...`` → epoch ms."""
    import datetime as dt

    f = line.split(",")
    try:
        y, mo, d, h, mi, s, ms = (int(x) for x in f[2:9])
        t = dt.datetime(y, mo, d, h, mi, s, tzinfo=dt.UTC)
    except (ValueError, IndexError) as exc:
        raise DecodeError("nmea_bad_timestamp", f"$PGHP: {exc}") from None
    return int(t.timestamp() * 1000) + ms


class NmeaDecoder:
    """Feed lines one by one; each call returns the records and rejects that line completes.

    A buffered fragment returns ``[]``; an orphaned fragment comes back later as a Rejected,
    so that every line is accounted for.
    """

    def __init__(
        self,
        fallback_ts_ms: int | None = None,
        *,
        fallback_source: str = "fallback",
        assume_rate_hz: float | None = None,
    ) -> None:
        """``fallback_ts_ms``: the time of sentences before any time source (with
        ``assume_rate_hz``, the first of them, the next ones 1/rate s apart), counted as
        ``time_source:<fallback_source>``."""
        self.fallback_ts_ms = fallback_ts_ms
        self.fallback_source = fallback_source
        self.assume_rate_hz = assume_rate_hz
        self._fallback_used = 0
        self.last_ts_ms: int | None = None
        self._last_source = "last_known"
        self._receiver_clock = False  # tag blocks or $PGHP seen: base stations are not needed
        self._pending_ts_ms: int | None = None  # from a $PGHP line, for the next sentence
        self._frags: OrderedDict[
            tuple[Any, ...], tuple[int, int | None, str, dict[int, NMEAMessage]]
        ]
        self._frags = OrderedDict()
        self.line_no = 0
        self.stats: Counter[str] = Counter()  # assembled, time_source:*, msg_type:*
        self._orphans: list[Rejected] = []

    # -- public -----------------------------------------------------------------------------
    def feed(self, line: str | bytes, record_ts_ms: int | None = None) -> list[Record | Rejected]:
        """One line (optionally with its Kafka record timestamp) → records and rejects."""
        self.line_no += 1
        out: list[Record | Rejected] = []
        try:
            if isinstance(line, bytes):
                if len(line) > MAX_RECORD_BYTES:
                    raise DecodeError("record_too_large", f"{len(line)} bytes")
                line = line.decode("ascii")
            out.extend(self._feed(line.strip(), record_ts_ms))
        except UnicodeDecodeError:
            out.append(Rejected("nmea_not_ascii", "line is not ASCII", _raw(line), self.line_no))
        except DecodeError as exc:
            out.append(Rejected(exc.reason, exc.detail, _raw(line)[:512], self.line_no))
        except (AISBaseException, ValueError, TypeError, IndexError, KeyError) as exc:
            out.append(
                Rejected(
                    "nmea_invalid",
                    f"{type(exc).__name__}: {str(exc)[:100]}",
                    _raw(line)[:512],
                    self.line_no,
                )
            )
        if self._orphans:
            out.extend(self._orphans)
            self._orphans.clear()
        return out

    def flush(self) -> list[Rejected]:
        """End of input: every incomplete multi-part message is an orphan."""
        for key in list(self._frags):
            self._orphan(key)
        out = list(self._orphans)
        self._orphans.clear()
        return out

    def _orphan(self, key: tuple[Any, ...]) -> None:
        first_line, _ts, _src, parts = self._frags.pop(key)
        raw = b"\n".join(p.raw for p in parts.values())
        self._orphans.extend(
            Rejected(
                "nmea_orphan_fragment",
                f"part of an incomplete {key[-1]}-part message",
                raw,
                first_line,
            )
            for _ in parts
        )

    # -- internals --------------------------------------------------------------------------
    def _feed(self, line: str, record_ts_ms: int | None) -> list[Record]:
        if not line:
            return []
        if len(line) > MAX_RECORD_BYTES:
            raise DecodeError("record_too_large", f"{len(line)} bytes")
        tags: dict[str, str] = {}
        if line.startswith("\\"):
            end = line.find("\\", 1)
            if end < 0:
                raise DecodeError("nmea_bad_tagblock", "unterminated tag block")
            tags = _parse_tag_block(line[1:end])
            line = line[end + 1 :]
        if line.startswith("$PGHP"):
            if not _checksum_ok(line):
                raise DecodeError("nmea_bad_checksum", "$PGHP checksum mismatch")
            self._pending_ts_ms = _pghp_ts_ms(line)
            self.last_ts_ms = self._pending_ts_ms
            self._receiver_clock = True
            return []
        if not line.startswith(("!", "$")) or "VD" not in line[:7]:
            raise DecodeError("nmea_not_vdm", f"not an AIVDM/AIVDO sentence: {line[:20]!r}")
        if not _checksum_ok(line):
            raise DecodeError("nmea_bad_checksum", "sentence checksum mismatch")
        ts_ms, src = self._time_for(tags, record_ts_ms)
        msg = NMEAMessage.from_string(line)
        if not msg.payload:
            raise DecodeError("nmea_empty_payload", "sentence has no payload")
        if msg.frag_cnt > 1:
            assembled = self._add_fragment(msg, tags, ts_ms, src)
            if assembled is None:
                return []
            msg, ts_ms, src = assembled
        return self._decode(msg, ts_ms, src)

    def _time_for(self, tags: dict[str, str], record_ts_ms: int | None) -> tuple[int | None, str]:
        if "c" in tags:
            try:
                c = float(tags["c"])
            except ValueError:
                raise DecodeError("nmea_bad_tagblock", f"c:{tags['c'][:20]!r}") from None
            ts = int(c * 1000) if c < 1e11 else int(c)
            self.last_ts_ms = ts
            self._receiver_clock = True
            self._last_source = "last_known"
            return ts, "tag_block"
        if self._pending_ts_ms is not None:
            ts = self._pending_ts_ms
            self._pending_ts_ms = None
            return ts, "pghp"
        if record_ts_ms is not None:
            return record_ts_ms, "record_timestamp"
        if self.last_ts_ms is not None:
            return self.last_ts_ms, self._last_source
        if self.fallback_ts_ms is not None:
            ts = self.fallback_ts_ms
            if self.assume_rate_hz:
                ts += int(self._fallback_used * 1000 / self.assume_rate_hz)
            self._fallback_used += 1
            return ts, self.fallback_source
        return None, "none"

    def _base_station_clock(self, d: dict[str, Any]) -> None:
        """A type-4 base-station report carries the station's UTC time (ITU-R M.1371 §3.3,
        message 4): for a receiver log without its own clock, the time of what follows."""
        if self._receiver_clock:
            return
        ts = base_station_ts_ms(d)
        if ts is not None:
            self.last_ts_ms = ts
            self._last_source = "base_station"
            self.stats["base_station_clock"] += 1

    def _add_fragment(
        self, msg: NMEAMessage, tags: dict[str, str], ts_ms: int | None, src: str
    ) -> tuple[NMEAMessage, int | None, str] | None:
        group = tags.get("g", "").split("-")
        key: tuple[Any, ...]
        if len(group) == 3:  # NMEA 4.0 sentence grouping: part-total-group id
            key = ("g", group[2], msg.frag_cnt)
        else:
            key = (tags.get("s"), msg.talker, msg.channel, msg.seq_id, msg.frag_cnt)
        entry = self._frags.get(key)
        if msg.frag_num == 1 and entry is not None:
            # A new message with the same id while the old one is incomplete: the old is orphaned.
            self._orphan(key)
            entry = None
        if entry is None:
            if msg.frag_num != 1:
                raise DecodeError(
                    "nmea_orphan_fragment",
                    f"fragment {msg.frag_num}/{msg.frag_cnt} without its first part",
                )
            entry = (self.line_no, ts_ms, src, {})
            self._frags[key] = entry
            while len(self._frags) > MAX_PENDING:
                self._orphan(next(iter(self._frags)))
        _first_line, first_ts, first_src, parts = entry
        if msg.frag_num in parts or msg.frag_num > msg.frag_cnt:
            raise DecodeError("nmea_bad_fragment", f"duplicate or impossible part {msg.frag_num}")
        parts[msg.frag_num] = msg
        self._evict_stale()
        if len(parts) < msg.frag_cnt:
            return None
        del self._frags[key]
        full = NMEAMessage.assemble_from_iterable([parts[i] for i in range(1, msg.frag_cnt + 1)])
        self.stats["assembled"] += 1
        if first_ts is None:
            return full, ts_ms, src
        return full, first_ts, first_src

    def _evict_stale(self) -> None:
        while self._frags:
            key, (first_line, *_rest) = next(iter(self._frags.items()))
            if self.line_no - first_line <= MAX_FRAGMENT_AGE_LINES:
                break
            self._orphan(key)

    def _decode(self, msg: NMEAMessage, ts_ms: int | None, src: str) -> list[Record]:
        decoded = msg.decode()
        mtype = int(decoded.msg_type)
        self.stats[f"msg_type:{mtype}"] += 1
        if mtype == 4:
            self._base_station_clock(decoded.asdict())
        if mtype not in POSITION_TYPES and mtype not in STATIC_TYPES:
            raise DecodeError(f"ignored_type:{mtype}", "not a vessel position or static report")
        if ts_ms is None:
            raise DecodeError("nmea_no_timestamp", "no tag block, $PGHP, record or fallback time")
        self.stats[f"time_source:{src}"] += 1
        d: dict[str, Any] = decoded.asdict()
        fields: dict[str, Any] = {
            "vessel": d.get("mmsi"),
            "ts": ts_ms,
            "ais_class": "B" if mtype in _CLASS_B else "A",
        }
        if mtype in POSITION_TYPES:
            fields.update(
                lat=d.get("lat"),
                lon=d.get("lon"),
                sog=d.get("speed"),
                cog=d.get("course"),
                heading=d.get("heading"),
            )
            status = d.get("status")
            if status is not None and mtype in (1, 2, 3, 27):
                fields["nav_status"] = int(status)
        if mtype in STATIC_TYPES:
            fields.update(
                name=d.get("shipname"),
                callsign=d.get("callsign"),
                imo=d.get("imo") or None,
                ship_type=_int(d.get("ship_type")),
            )
            bow, stern = d.get("to_bow"), d.get("to_stern")
            port, stbd = d.get("to_port"), d.get("to_starboard")
            if bow is not None and stern is not None and bow + stern > 0:
                fields["length_m"] = bow + stern
            if port is not None and stbd is not None and port + stbd > 0:
                fields["width_m"] = port + stbd
        if mtype == 24 and d.get("partno") == 0:
            fields.pop("callsign", None)
            fields.pop("ship_type", None)
        return build_records(fields, mmsi_col=True)


def base_station_ts_ms(d: dict[str, Any]) -> int | None:
    """UTC of a decoded type-4 report, or None where a field says "not available" (year 0,
    month 0, day 0, hour 24, minute 60, second 60) or the date is impossible."""
    import datetime as dt

    try:
        y, mo, da = int(d["year"]), int(d["month"]), int(d["day"])
        h, mi, se = int(d["hour"]), int(d["minute"]), int(d["second"])
        if y == 0 or mo == 0 or da == 0 or h >= 24 or mi >= 60 or se >= 60:
            return None
        t = dt.datetime(y, mo, da, h, mi, se, tzinfo=dt.UTC)
    except (KeyError, TypeError, ValueError):
        return None
    ts = int(t.timestamp() * 1000)
    return ts if MIN_TS_MS <= ts <= MAX_TS_MS else None


def _int(v: Any) -> int | None:
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def _raw(line: str | bytes) -> bytes:
    return line if isinstance(line, bytes) else line.encode("utf-8", "surrogateescape")
