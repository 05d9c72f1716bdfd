// seaguard live map: canvas drawing of bundled land and zones, vessels from the position
// topics and alerts from the alert topic, pushed by the server over Server-Sent Events.
// No libraries, no tiles, no network beyond the server that served this page.
"use strict";

const SEVERITIES = ["info", "low", "medium", "high", "critical"];
const SEV_COLOR = { critical: "#b30000", high: "#e34a33", medium: "#fc8d59", low: "#fdbb84", info: "#969696" };
const ZONE_STYLE = {
  sar_region: { stroke: "#7f7f7f", dash: [6, 4], fill: null },
  contiguous_zone: { stroke: null, fill: "rgba(198,219,239,0.45)" },
  territorial_sea: { stroke: "rgba(33,113,181,0.7)", fill: "rgba(107,174,214,0.35)" },
  waterway: { stroke: null, fill: "rgba(158,202,225,0.6)" },
  departure_area: { stroke: "#d94801", fill: "rgba(253,141,60,0.45)" },
  landing_area: { stroke: "#238b45", fill: "rgba(116,196,118,0.45)" },
  anchorage: { stroke: "#252525", fill: "rgba(99,99,99,0.6)" },
  port: { stroke: "#252525", fill: "rgba(37,37,37,0.7)" },
  boundary: { stroke: "#6a00a8", dash: [8, 3], width: 2, fill: null },
  custom: { stroke: "#7a0177", fill: "rgba(221,52,151,0.45)" },
};
const ZONE_ORDER = ["sar_region", "contiguous_zone", "territorial_sea", "waterway", "departure_area",
  "landing_area", "anchorage", "port", "custom", "boundary"];
const VIEWS = { aegean: [22.0, 34.5, 30.0, 41.5], central_med: [9.0, 30.5, 17.0, 38.5], all: [8.0, 30.0, 30.5, 42.0] };
const TAIL = 12;
const OTHER_COLOR = "#e7298a"; // an encounter's second vessel: not the boundaries' purple
const EVIDENCE_COLOR = "#ff7f00";
const STALE_MS = 3600 * 1000;

const S = {
  land: [], zones: [], vessels: new Map(), alerts: new Map(), watermark: 0,
  selected: null, evidence: null, view: { cx: 0, cy: 0, scale: 1 }, dirty: true, listDirty: true,
  landBounds: null, places: [],
};
const canvas = document.getElementById("map");
const ctx = canvas.getContext("2d");

// -- projection (Web Mercator, radians) ---------------------------------------------------
function merc(lon, lat) {
  const r = Math.PI / 180;
  return [lon * r, Math.log(Math.tan(Math.PI / 4 + (lat * r) / 2))];
}
function toScreen(x, y) {
  const v = S.view;
  return [(x - v.cx) * v.scale + canvas.clientWidth / 2, (v.cy - y) * v.scale + canvas.clientHeight / 2];
}
function fitBounds(lon0, lat0, lon1, lat1) {
  const [x0, y0] = merc(lon0, lat0);
  const [x1, y1] = merc(lon1, lat1);
  const w = Math.max(canvas.clientWidth, 100), h = Math.max(canvas.clientHeight, 100);
  S.view = { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2,
    scale: Math.min(w / Math.max(x1 - x0, 1e-4), h / Math.max(y1 - y0, 1e-4)) * 0.92 };
  S.dirty = true;
}

// -- geometry --------------------------------------------------------------------------------
function projectRings(geom) {
  const out = [];
  const ring = (coords) => {
    const a = new Float64Array(coords.length * 2);
    coords.forEach((c, i) => { const p = merc(c[0], c[1]); a[2 * i] = p[0]; a[2 * i + 1] = p[1]; });
    return a;
  };
  const part = (rings, closed) => {
    const bb = [Infinity, Infinity, -Infinity, -Infinity];
    for (const r of rings) for (let i = 0; i < r.length; i += 2) {
      bb[0] = Math.min(bb[0], r[i]); bb[1] = Math.min(bb[1], r[i + 1]);
      bb[2] = Math.max(bb[2], r[i]); bb[3] = Math.max(bb[3], r[i + 1]);
    }
    return { rings, closed, bb };
  };
  const t = geom.type, c = geom.coordinates;
  if (t === "Polygon") out.push(part(c.map(ring), true));
  else if (t === "MultiPolygon") c.forEach((p) => out.push(part(p.map(ring), true)));
  else if (t === "LineString") out.push(part([ring(c)], false));
  else if (t === "MultiLineString") c.forEach((l) => out.push(part([ring(l)], false)));
  else if (t === "GeometryCollection") geom.geometries.forEach((g) => out.push(...projectRings(g)));
  return out;
}
function onScreen(bb) {
  const v = S.view, hw = canvas.clientWidth / 2 / v.scale, hh = canvas.clientHeight / 2 / v.scale;
  return !(bb[2] < v.cx - hw || bb[0] > v.cx + hw || bb[3] < v.cy - hh || bb[1] > v.cy + hh);
}
function tracePath(parts) {
  ctx.beginPath();
  for (const part of parts) {
    if (!onScreen(part.bb)) continue;
    for (const r of part.rings) {
      for (let i = 0; i < r.length; i += 2) {
        const [sx, sy] = toScreen(r[i], r[i + 1]);
        if (i === 0) ctx.moveTo(sx, sy); else ctx.lineTo(sx, sy);
      }
      if (part.closed) ctx.closePath();
    }
  }
}

// -- drawing ---------------------------------------------------------------------------------
function resize() {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(canvas.clientWidth * dpr);
  canvas.height = Math.round(canvas.clientHeight * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  S.dirty = true;
}
function drawLine(points, color, width) {
  if (points.length < 2) return;
  ctx.beginPath();
  points.forEach((p, i) => {
    const [x, y] = merc(p[0], p[1]);
    const [sx, sy] = toScreen(x, y);
    if (i === 0) ctx.moveTo(sx, sy); else ctx.lineTo(sx, sy);
  });
  ctx.strokeStyle = color; ctx.lineWidth = width; ctx.stroke();
}
function marker(lon, lat, size, fill, stroke) {
  const [sx, sy] = toScreen(...merc(lon, lat));
  ctx.beginPath();
  ctx.moveTo(sx, sy - size); ctx.lineTo(sx + size * 0.9, sy + size * 0.7); ctx.lineTo(sx - size * 0.9, sy + size * 0.7);
  ctx.closePath(); ctx.fillStyle = fill; ctx.fill();
  if (stroke) { ctx.strokeStyle = stroke; ctx.lineWidth = 1.5; ctx.stroke(); }
}
function draw() {
  S.dirty = false;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  ctx.fillStyle = "#dbe9f5"; ctx.fillRect(0, 0, w, h);
  for (const z of S.zones) {
    const st = ZONE_STYLE[z.kind] || ZONE_STYLE.custom;
    tracePath(z.parts);
    if (st.fill && z.parts.some((p) => p.closed)) { ctx.fillStyle = st.fill; ctx.fill("evenodd"); }
    if (st.stroke) { ctx.setLineDash(st.dash || []); ctx.strokeStyle = st.stroke; ctx.lineWidth = st.width || 0.8; ctx.stroke(); ctx.setLineDash([]); }
  }
  tracePath(S.land);
  // land comes in tiles: fill and stroke in one colour so the tile seams do not show
  ctx.fillStyle = "#e9e4cf"; ctx.fill("evenodd"); ctx.strokeStyle = "#e9e4cf"; ctx.lineWidth = 1; ctx.stroke();
  drawNoData();
  const alertVessels = new Set();
  for (const a of S.alerts.values()) if (a.status === "open") alertVessels.add(a.vessel);
  for (const v of S.vessels.values()) {
    const stale = S.watermark - v.ts_ms > STALE_MS;
    drawLine(v.tail, stale ? "rgba(120,120,120,0.35)" : "rgba(11,37,64,0.45)", 1);
    const fill = alertVessels.has(v.vessel) ? "#e34a33" : stale ? "#9a9a9a" : "#0b2540";
    drawVessel(v, stale ? 1.8 : 2.8, fill);
  }
  if (S.evidence) {
    drawLine(S.evidence.other, OTHER_COLOR, 3);
    drawLine(S.evidence.track, EVIDENCE_COLOR, 3.5);
    drawDirection(S.evidence.other, OTHER_COLOR);
    drawDirection(S.evidence.track, EVIDENCE_COLOR);
    for (const p of S.evidence.points) {
      const [sx, sy] = toScreen(...merc(p[0], p[1]));
      ctx.beginPath(); ctx.arc(sx, sy, 5, 0, 2 * Math.PI);
      ctx.fillStyle = "#fff"; ctx.fill(); ctx.strokeStyle = "#b30000"; ctx.lineWidth = 2; ctx.stroke();
    }
  }
  const visible = filteredAlerts();
  for (const a of visible) {
    if (typeof a.lon !== "number") continue;
    const sel = S.selected === a.alert_id;
    marker(a.lon, a.lat, sel ? 10 : 6, SEV_COLOR[a.severity] || "#666", sel ? "#000" : a.status === "open" ? "#fff" : null);
  }
  drawPlaces();
  drawScaleBar();
}
// A vessel: a dart along its course when it reports one, else a dot.
function drawVessel(v, size, fill) {
  const [sx, sy] = toScreen(...merc(v.lon, v.lat));
  ctx.beginPath();
  if (typeof v.cog_deg === "number") {
    const a = (v.cog_deg * Math.PI) / 180, k = size * 1.6;
    const dx = Math.sin(a), dy = -Math.cos(a);
    ctx.moveTo(sx + dx * k * 1.4, sy + dy * k * 1.4);
    ctx.lineTo(sx - dx * k + dy * k * 0.7, sy - dy * k - dx * k * 0.7);
    ctx.lineTo(sx - dx * k * 0.4, sy - dy * k * 0.4);
    ctx.lineTo(sx - dx * k - dy * k * 0.7, sy - dy * k + dx * k * 0.7);
    ctx.closePath();
  } else {
    ctx.arc(sx, sy, size, 0, 2 * Math.PI);
  }
  ctx.fillStyle = fill; ctx.fill();
}
// Arrowheads along a track (every ~60 px) and its times (HH:MM UTC) at a few fixes.
function drawDirection(points, color) {
  if (points.length < 2) return;
  const scr = points.map((p) => toScreen(...merc(p[0], p[1])));
  let since = 0, lastTick = -Infinity;
  ctx.fillStyle = color; ctx.font = "10px system-ui, sans-serif";
  for (let i = 1; i < scr.length; i++) {
    const [x0, y0] = scr[i - 1], [x1, y1] = scr[i];
    const len = Math.hypot(x1 - x0, y1 - y0);
    since += len;
    if (since >= 60 && len > 4) {
      since = 0;
      const a = Math.atan2(y1 - y0, x1 - x0), mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
      ctx.beginPath();
      ctx.moveTo(mx + Math.cos(a) * 6, my + Math.sin(a) * 6);
      ctx.lineTo(mx + Math.cos(a + 2.5) * 6, my + Math.sin(a + 2.5) * 6);
      ctx.lineTo(mx + Math.cos(a - 2.5) * 6, my + Math.sin(a - 2.5) * 6);
      ctx.closePath(); ctx.fill();
    }
    const t = points[i][2];
    if (typeof t === "number" && Math.hypot(x1 - scr[0][0], y1 - scr[0][1]) - lastTick > 90) {
      lastTick = Math.hypot(x1 - scr[0][0], y1 - scr[0][1]);
      ctx.fillStyle = "#222"; ctx.fillText(new Date(t).toISOString().slice(11, 16), x1 + 6, y1 - 4);
      ctx.fillStyle = color;
    }
  }
  document.body.dataset.directionMarks = "1";
}
function drawPlaces() {
  ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#3b3b3b";
  ctx.strokeStyle = "rgba(255,255,255,0.8)"; ctx.lineWidth = 3;
  for (const [name, lon, lat] of S.places) {
    const [sx, sy] = toScreen(...merc(lon, lat));
    if (sx < 0 || sy < 0 || sx > canvas.clientWidth || sy > canvas.clientHeight) continue;
    ctx.strokeText(name, sx + 3, sy - 3); ctx.fillText(name, sx + 3, sy - 3);
  }
}
// A scale bar in nautical miles, true at the centre of the view (Mercator stretches north).
function drawScaleBar() {
  const lat = (2 * Math.atan(Math.exp(S.view.cy)) - Math.PI / 2);
  const nmPerPx = (6371008.8 * Math.cos(lat)) / S.view.scale / 1852;
  const want = nmPerPx * 120;
  const nice = [1, 2, 5, 10, 20, 50, 100, 200, 500].find((n) => n >= want * 0.5) || 500;
  const px = nice / nmPerPx, x = canvas.clientWidth - px - 16, y = canvas.clientHeight - 14;
  ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(x - 6, y - 16, px + 12, 22);
  ctx.strokeStyle = "#222"; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.moveTo(x, y - 4); ctx.lineTo(x, y); ctx.lineTo(x + px, y); ctx.lineTo(x + px, y - 4); ctx.stroke();
  ctx.fillStyle = "#222"; ctx.font = "11px system-ui, sans-serif"; ctx.fillText(`${nice} nm`, x + px / 2 - 14, y - 5);
  document.body.dataset.scaleNm = String(nice);
}
// Beyond the land data the map cannot tell land from sea: hatched, not painted as sea.
function drawNoData() {
  if (!S.landBounds) return;
  const [x0, y0] = toScreen(...merc(S.landBounds[0], S.landBounds[1]));
  const [x1, y1] = toScreen(...merc(S.landBounds[2], S.landBounds[3]));
  const w = canvas.clientWidth, h = canvas.clientHeight;
  ctx.save();
  ctx.beginPath(); ctx.rect(0, 0, w, h); ctx.rect(x0, y1, x1 - x0, y0 - y1); ctx.clip("evenodd");
  ctx.fillStyle = "#e4e4e4"; ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = "#c8c8c8"; ctx.lineWidth = 1; ctx.beginPath();
  for (let k = -h; k < w; k += 10) { ctx.moveTo(k, h); ctx.lineTo(k + h, 0); }
  ctx.stroke(); ctx.restore();
}
function frame() {
  if (S.listDirty) renderList();
  if (S.dirty) draw();
  requestAnimationFrame(frame);
}

// -- data ------------------------------------------------------------------------------------
function upsertVessel(v, appendTail) {
  const cur = S.vessels.get(v.vessel);
  if (!cur || !appendTail) {
    S.vessels.set(v.vessel, { ...v, tail: v.tail ? v.tail.slice(-TAIL) : [[v.lon, v.lat]] });
    return;
  }
  if (v.ts_ms < cur.ts_ms) return;
  const last = cur.tail[cur.tail.length - 1];
  if (!last || last[0] !== v.lon || last[1] !== v.lat) cur.tail.push([v.lon, v.lat]);
  if (cur.tail.length > TAIL) cur.tail.splice(0, cur.tail.length - TAIL);
  Object.assign(cur, { lon: v.lon, lat: v.lat, ts_ms: v.ts_ms, sog_kn: v.sog_kn, name: v.name || cur.name });
}
function applyAlerts(list) {
  for (const a of list) S.alerts.set(a.alert_id, a);
  if (list.length) { S.listDirty = true; refreshTypeFilter(); }
}
function applyCounts(d) {
  S.watermark = Math.max(S.watermark, d.watermark_ms || 0);
  document.getElementById("clock").textContent = S.watermark ? new Date(S.watermark).toISOString().slice(0, 19).replace("T", " ") + " UTC" : "-";
  const c = d.counts || {};
  document.getElementById("counts").textContent = `${S.vessels.size} vessels · ${S.alerts.size} alerts · ${c.positions || 0} fixes`;
}
function onSnapshot(d) {
  S.vessels.clear(); S.alerts.clear();
  for (const v of d.vessels) upsertVessel(v, false);
  applyAlerts(d.alerts);
  applyCounts(d);
  S.listDirty = true; S.dirty = true;
  document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots || 0) + 1);
}
function onUpdate(d) {
  for (const v of d.vessels) upsertVessel(v, true);
  applyAlerts(d.alerts);
  applyCounts(d);
  S.dirty = true;
}
const STALE_S = 120; // no position for two minutes: the feed is not live, whatever the socket says
function showHealth(status, h) {
  let text = "live", cls = "status live";
  if (h.broker === "unreachable") { text = "broker unreachable"; cls = "status down"; }
  else if (h.broker !== "connected") { text = "connecting to broker"; cls = "status down"; }
  else if (h.position_age_s === null) { text = "no positions yet"; cls = "status stale"; }
  else if (h.position_age_s > STALE_S) {
    text = `stale ${Math.round(h.position_age_s / 60)} min`; cls = "status stale";
  }
  status.textContent = text; status.className = cls;
  status.title = h.detail || "";
}
function connect() {
  const status = document.getElementById("status");
  const es = new EventSource("/events");
  // the badge tells the truth: the page's link to the map server, the map server's link to
  // the broker, and how old the newest position is
  es.addEventListener("open", () => { status.textContent = "connecting"; status.className = "status down"; });
  es.addEventListener("error", () => { status.textContent = "map server unreachable"; status.className = "status down"; });
  es.addEventListener("health", (e) => showHealth(status, JSON.parse(e.data)));
  es.addEventListener("snapshot", (e) => onSnapshot(JSON.parse(e.data)));
  es.addEventListener("update", (e) => onUpdate(JSON.parse(e.data)));
}

// -- alert list and filters -------------------------------------------------------------------
function filteredAlerts() {
  const type = document.getElementById("f-type").value;
  const minSev = SEVERITIES.indexOf(document.getElementById("f-sev").value);
  const zone = document.getElementById("f-zone").value.trim();
  const openOnly = document.getElementById("f-open").checked;
  const out = [];
  for (const a of S.alerts.values()) {
    if (type && a.type !== type) continue;
    if (SEVERITIES.indexOf(a.severity) < minSev) continue;
    if (zone && !(a.zone_ids || []).some((z) => z.includes(zone))) continue;
    if (openOnly && a.status !== "open") continue;
    out.push(a);
  }
  out.sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : a.alert_id < b.alert_id ? -1 : 1));
  return out;
}
function refreshTypeFilter() {
  const sel = document.getElementById("f-type");
  const have = new Set([...sel.options].map((o) => o.value));
  const types = [...new Set([...S.alerts.values()].map((a) => a.type))].sort();
  for (const t of types) if (!have.has(t)) { const o = document.createElement("option"); o.value = t; o.textContent = t; sel.appendChild(o); }
}
function vesselLabel(a) {
  return a.vessel + (a.other_vessel ? " + " + a.other_vessel : "");
}
function renderList() {
  S.listDirty = false;
  const ol = document.getElementById("alert-list");
  const items = filteredAlerts();
  const frag = document.createDocumentFragment();
  for (const a of items.slice(0, 1000)) {
    const li = document.createElement("li");
    li.dataset.alertId = a.alert_id; li.dataset.type = a.type;
    li.className = `sev-${a.severity} ${a.status}` + (S.selected === a.alert_id ? " selected" : "");
    const t = document.createElement("div"); t.className = "t";
    t.textContent = `${a.type} · ${a.severity} · ${vesselLabel(a)}`;
    const m = document.createElement("div"); m.className = "m";
    m.textContent = `${(a.ts || "").slice(0, 16).replace("T", " ")} · ${a.summary || ""}`;
    li.append(t, m);
    frag.appendChild(li);
  }
  ol.replaceChildren(frag);
  document.getElementById("alert-count").textContent = `${items.length} alerts` + (items.length > 1000 ? " (newest 1000 listed)" : "");
  S.dirty = true;
}

// -- evidence ---------------------------------------------------------------------------------
function evidencePoints(obj, out) {
  if (Array.isArray(obj)) { obj.forEach((o) => evidencePoints(o, out)); return out; }
  if (obj && typeof obj === "object") {
    if (typeof obj.lat === "number" && typeof obj.lon === "number") out.push([obj.lon, obj.lat]);
    for (const v of Object.values(obj)) if (v && typeof v === "object") evidencePoints(v, out);
  }
  return out;
}
async function fetchTrack(vessel, fromMs, toMs) {
  if (!vessel) return [];
  const r = await fetch(`/api/track?vessel=${encodeURIComponent(vessel)}&from_ms=${fromMs}&to_ms=${toMs}`);
  if (!r.ok) return [];
  return (await r.json()).points.map((p) => [p[0], p[1], p[2]]);
}
async function selectAlert(id) {
  const a = S.alerts.get(id);
  if (!a) return;
  S.selected = id; S.listDirty = true;
  const start = Date.parse(a.start || a.ts), end = Date.parse(a.end || a.ts);
  const from = start - 6 * 3600 * 1000, to = Math.max(end, Date.parse(a.ts)) + 3600 * 1000;
  const [track, other] = await Promise.all([fetchTrack(a.vessel, from, to), fetchTrack(a.other_vessel, from, to)]);
  const points = evidencePoints(a.evidence, [[a.lon, a.lat]]);
  S.evidence = { track, other, points };
  const all = [...track, ...other, ...points];
  let lo0 = Infinity, la0 = Infinity, lo1 = -Infinity, la1 = -Infinity;
  for (const p of all) { lo0 = Math.min(lo0, p[0]); lo1 = Math.max(lo1, p[0]); la0 = Math.min(la0, p[1]); la1 = Math.max(la1, p[1]); }
  const pad = Math.max(0.15, (lo1 - lo0) * 0.15, (la1 - la0) * 0.15);
  if (all.length && Math.max(lo1 - lo0, la1 - la0) < 6) fitBounds(lo0 - pad, la0 - pad, lo1 + pad, la1 + pad);
  showDetails(a);
  document.body.dataset.selected = id;
  document.body.dataset.evidenceTrack = String(track.length);
  document.body.dataset.evidencePoints = String(points.length);
  S.dirty = true;
}
function showDetails(a) {
  document.getElementById("details").hidden = false;
  document.getElementById("d-title").textContent = `${a.type} · ${a.severity} · ${a.status}`;
  document.getElementById("d-summary").textContent = a.summary || "";
  const dl = document.getElementById("d-fields");
  dl.replaceChildren();
  const rows = [["alert id", a.alert_id], ["vessel", vesselLabel(a)], ["start", a.start], ["end", a.end || "(open)"],
    ["position", `${a.lat}, ${a.lon}`], ["zones", (a.zone_ids || []).join(", ") || "-"]];
  for (const [k, v] of rows) {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v == null ? "-" : String(v);
    dl.append(dt, dd);
  }
  evidenceTable(document.getElementById("d-evidence"), a.evidence);
  document.getElementById("d-params").textContent = JSON.stringify(a.detector || {}, null, 1);
}

// Evidence as rows a watch officer can read: nested keys joined, numbers rounded, fixes as
// "time at lat, lon".
function evidenceTable(table, evidence) {
  table.replaceChildren();
  const fmt = (v) => typeof v === "number" ? String(Math.round(v * 1000) / 1000) : String(v);
  const rows = [];
  const walk = (prefix, v) => {
    if (v && typeof v === "object" && !Array.isArray(v) && typeof v.lat === "number" && typeof v.lon === "number") {
      const extra = Object.entries(v).filter(([k]) => !["lat", "lon", "ts"].includes(k)).map(([k, x]) => `${k} ${fmt(x)}`);
      rows.push([prefix, `${v.ts ? v.ts.slice(0, 16).replace("T", " ") + " at " : ""}${fmt(v.lat)}, ${fmt(v.lon)}${extra.length ? " (" + extra.join(", ") + ")" : ""}`]);
    } else if (Array.isArray(v) && v.length && typeof v[0] === "object") {
      v.forEach((x, i) => walk(`${prefix} ${i + 1}`, x));
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix} · ${k.replace(/_/g, " ")}` : k.replace(/_/g, " "), x);
    } else {
      rows.push([prefix, Array.isArray(v) ? v.map(fmt).join(", ") : v == null ? "-" : fmt(v)]);
    }
  };
  walk("", evidence || {});
  for (const [k, v] of rows) {
    const tr = document.createElement("tr");
    const th = document.createElement("th"); th.textContent = k;
    const td = document.createElement("td"); td.textContent = v;
    tr.append(th, td); table.append(tr);
  }
}
function closeDetails() {
  document.getElementById("details").hidden = true;
  document.getElementById("vessel-pop").hidden = true;
  S.selected = null; S.evidence = null; S.listDirty = true; S.dirty = true;
  delete document.body.dataset.selected;
}
function nearestVessel(e) {
  const r = canvas.getBoundingClientRect();
  const x = e.clientX - r.left, y = e.clientY - r.top;
  let best = null, bestD = 8;
  for (const v of S.vessels.values()) {
    const [sx, sy] = toScreen(...merc(v.lon, v.lat));
    const d = Math.hypot(sx - x, sy - y);
    if (d < bestD) { best = v; bestD = d; }
  }
  return best;
}
function showVessel(v, e) {
  const pop = document.getElementById("vessel-pop");
  const r = canvas.getBoundingClientRect();
  const alerts = [...S.alerts.values()].filter((a) => a.vessel === v.vessel || a.other_vessel === v.vessel);
  const rows = [["MMSI", v.mmsi ?? "-"], ["type", v.ship_type ?? "-"],
    ["speed", v.sog_kn == null ? "-" : `${v.sog_kn.toFixed(1)} kn`], ["course", v.cog_deg == null ? "-" : `${Math.round(v.cog_deg)}°`],
    ["last fix", `${new Date(v.ts_ms).toISOString().slice(0, 16).replace("T", " ")} at ${v.lat.toFixed(4)}, ${v.lon.toFixed(4)}`]];
  pop.replaceChildren();
  const h = document.createElement("b"); h.textContent = v.name ? `${v.name} (${v.vessel})` : `vessel ${v.vessel}`;
  pop.append(h);
  for (const [k, val] of rows) { const d = document.createElement("div"); d.textContent = `${k}: ${val}`; pop.append(d); }
  for (const a of alerts.slice(0, 8)) {
    const d = document.createElement("a"); d.href = "#"; d.textContent = `${a.type} · ${a.severity} · ${a.status}`;
    d.addEventListener("click", (ev) => { ev.preventDefault(); selectAlert(a.alert_id); });
    pop.append(d);
  }
  if (!alerts.length) { const d = document.createElement("div"); d.textContent = "no alerts"; pop.append(d); }
  pop.style.left = `${e.clientX - r.left + 10}px`; pop.style.top = `${e.clientY - r.top + 10}px`;
  pop.hidden = false;
  document.body.dataset.vesselPopup = v.vessel;
}

// -- interaction ------------------------------------------------------------------------------
function setupInteraction() {
  let drag = null;
  canvas.addEventListener("mousedown", (e) => { drag = { x: e.clientX, y: e.clientY, cx: S.view.cx, cy: S.view.cy, moved: false }; });
  window.addEventListener("mouseup", (e) => {
    if (drag && !drag.moved) pickAlert(e);
    drag = null;
  });
  window.addEventListener("mousemove", (e) => {
    if (!drag) { hover(e); return; }
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    S.view.cx = drag.cx - dx / S.view.scale; S.view.cy = drag.cy + dy / S.view.scale; S.dirty = true;
  });
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    const mx = e.clientX - r.left - canvas.clientWidth / 2, my = e.clientY - r.top - canvas.clientHeight / 2;
    const wx = S.view.cx + mx / S.view.scale, wy = S.view.cy - my / S.view.scale;
    const k = Math.exp(-e.deltaY * 0.0015);
    S.view.scale *= k;
    S.view.cx = wx - mx / S.view.scale; S.view.cy = wy + my / S.view.scale; S.dirty = true;
  }, { passive: false });
  document.querySelectorAll("button[data-view]").forEach((b) => b.addEventListener("click", () => fitBounds(...VIEWS[b.dataset.view])));
  document.getElementById("alert-list").addEventListener("click", (e) => {
    const li = e.target.closest("li[data-alert-id]");
    if (li) selectAlert(li.dataset.alertId);
  });
  for (const id of ["f-type", "f-sev", "f-zone", "f-open"]) {
    document.getElementById(id).addEventListener("input", () => { S.listDirty = true; });
  }
  window.addEventListener("resize", () => { resize(); });
  window.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDetails(); });
  document.getElementById("d-close").addEventListener("click", closeDetails);
}
function nearestAlert(e) {
  const r = canvas.getBoundingClientRect();
  const x = e.clientX - r.left, y = e.clientY - r.top;
  let best = null, bestD = 12;
  for (const a of filteredAlerts()) {
    const [sx, sy] = toScreen(...merc(a.lon, a.lat));
    const d = Math.hypot(sx - x, sy - y);
    if (d < bestD) { best = a; bestD = d; }
  }
  return best;
}
function pickAlert(e) {
  if (e.target !== canvas) return;
  const a = nearestAlert(e);
  if (a) { selectAlert(a.alert_id); return; }
  const v = nearestVessel(e);
  if (v) { showVessel(v, e); return; }
  closeDetails(); // a click on open sea closes the panel
}
function hover(e) {
  const box = document.getElementById("hover");
  if (e.target !== canvas) { box.style.display = "none"; return; }
  const a = nearestAlert(e);
  if (!a) { box.style.display = "none"; return; }
  const r = canvas.getBoundingClientRect();
  box.textContent = `${a.type} · ${a.severity} · ${vesselLabel(a)}`;
  box.style.left = `${e.clientX - r.left + 12}px`; box.style.top = `${e.clientY - r.top + 12}px`;
  box.style.display = "block";
}
function legend() {
  const el = document.getElementById("legend");
  const swatch = (label, color, shape) => {
    const item = document.createElement("span"); item.className = "item";
    const i = document.createElement("i"); i.style.background = color;
    if (shape === "line") i.style.height = "3px";
    if (shape === "dot") i.style.borderRadius = "50%";
    item.append(i, document.createTextNode(label));
    el.append(item);
  };
  const items = [["vessel", "#0b2540", "dot"], ["vessel with an open alert", "#e34a33", "dot"],
    ["no report for 1 h", "#9a9a9a", "dot"], ["evidence track", EVIDENCE_COLOR, "line"],
    ["second vessel", OTHER_COLOR, "line"],
    ...SEVERITIES.slice().reverse().map((s) => [`alert (${s})`, SEV_COLOR[s]]),
    ["departure area", ZONE_STYLE.departure_area.fill], ["landing area", ZONE_STYLE.landing_area.fill],
    ["territorial sea", ZONE_STYLE.territorial_sea.fill], ["contiguous zone", ZONE_STYLE.contiguous_zone.fill],
    ["anchorage", ZONE_STYLE.anchorage.fill], ["port", ZONE_STYLE.port.fill],
    ["boundary line", ZONE_STYLE.boundary.stroke, "line"], ["SAR region", ZONE_STYLE.sar_region.stroke, "line"],
    ["no land data", "#d0d0d0"]];
  for (const [label, color, shape] of items) swatch(label, color, shape);
  document.body.dataset.legendItems = String(items.length);
}

async function main() {
  resize();
  fitBounds(...VIEWS.all);
  setupInteraction();
  legend();
  requestAnimationFrame(frame);
  const geo = await (await fetch("/geo.json")).json();
  S.land = geo.land.features.flatMap((f) => projectRings(f.geometry));
  S.landBounds = geo.land_bounds; S.places = geo.places || [];
  const zones = geo.zones.features.map((f) => ({ kind: f.properties.kind, id: f.properties.id, parts: projectRings(f.geometry) }));
  zones.sort((a, b) => ZONE_ORDER.indexOf(a.kind) - ZONE_ORDER.indexOf(b.kind));
  S.zones = zones;
  document.body.dataset.zones = String(zones.length);
  S.dirty = true;
  connect();
}
main();
