// The facilitator's dashboard: draws the board the host pushes over a websocket, and sends the controls.
// Everything a team or a scenario wrote (team names, labels, titles) is set with textContent, never as
// HTML, so a team called "<b>x</b>" shows those characters. The facilitator key comes from the URL's
// fragment (#key=...), which the browser never sends to the server in a request line.
"use strict";

const KEY = new URLSearchParams(location.hash.slice(1)).get("key") || "";
const $ = (id) => document.getElementById(id);
let board = null;
let endArmed = null;
let debriefText = "";  // the last debrief drawn (redrawn only when it changed)
let debriefTimer = null;
const DEBRIEF_STATES = ["debrief", "ended"];

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function number(value, digits) {
  if (value === null || value === undefined) return "n/a";
  const abs = Math.abs(value);
  const d = digits !== undefined ? digits : abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString("en", { minimumFractionDigits: d, maximumFractionDigits: d });
}

function render(data) {
  board = data;
  const s = data.session;
  $("title").textContent = s.title;
  $("code").textContent = s.code;
  $("horizon").textContent = s.horizon;
  $("seed").textContent = s.seed;
  $("policy").textContent = s.policy;
  $("state").textContent = s.state;
  $("join-command").textContent = "cxsim play --join " + s.join_url + " --team NAME";
  $("scorecard-title").textContent = "Leaderboard: " + data.scorecard.title;
  const parts = data.scorecard.measures.map((m) =>
    m.label + " " + Math.round(m.weight * 100) + " % (0 at " + number(m.baseline) + ", 1 at " + number(m.target) +
    (m.per_day ? " per day" : "") + ")");
  $("scorecard-note").textContent = "Score 0 to 1: " + parts.join("; ") + ". A measure with no value yet is left out.";
  renderHead(data.scorecard.measures);
  renderTeams(data);
  renderDecisions(data.decisions);
  renderControls(s.state);
  if (DEBRIEF_STATES.includes(s.state) && debriefTimer === null) loadDebrief();
}

function renderHead(measures) {
  const head = $("leaderboard-head");
  const cells = ["rank", "team", "score", ...measures.map((m) => m.label), "progress", "status"].map((t) => el("th", t));
  head.replaceChildren(...cells);
}

function renderTeams(data) {
  const body = $("leaderboard").tBodies[0];
  const rows = data.teams.map((t) => {
    const tr = el("tr");
    tr.dataset.team = String(t.id);
    tr.dataset.score = t.score === null ? "" : String(t.score);
    tr.append(el("td", t.rank === null ? "–" : t.rank, "num rank"));
    tr.append(el("td", t.name, "team"));
    tr.append(el("td", t.score === null ? "n/a" : number(t.score, 3), "num score"));
    data.scorecard.measures.forEach((m, i) => {
      const td = el("td", number(t.values[i]), "num");
      td.append(el("span", t.measures[i] === null ? "" : "scores " + number(t.measures[i], 2), "part"));
      tr.append(td);
    });
    const progress = el("td");
    const bar = el("progress");
    bar.max = 1;
    bar.value = t.progress;
    progress.append(bar, el("span", t.clock + " (" + Math.round(t.progress * 100) + " %)", "part"));
    tr.append(progress);
    const status = t.finished ? "finished" : t.online ? "playing" : "offline";
    tr.append(el("td", status, t.finished ? "finished" : t.online ? "online" : "offline"));
    return tr;
  });
  body.replaceChildren(...rows);
  $("no-teams").hidden = rows.length > 0;
}

function renderDecisions(decisions) {
  const items = decisions.slice().reverse().map((d) => {
    const li = el("li");
    li.append(el("strong", d.team), document.createTextNode(" · " + d.decision + ": "));
    li.append(el("span", d.label + (d.style ? " (" + d.style + ")" : ""), "style-" + d.style));
    li.append(document.createTextNode(" "), el("span", "at " + d.clock, "when"));
    return li;
  });
  $("decisions").replaceChildren(...items);
}

function renderControls(state) {
  $("start").disabled = state !== "lobby";
  $("pause").disabled = state !== "running";
  $("resume").disabled = state !== "paused";
  $("release").disabled = !["lobby", "running", "paused"].includes(state);
  $("end").disabled = state === "ended";
}

async function api(path, options) {
  const response = await fetch(path, { ...options, headers: { "X-Facilitator-Key": KEY, "Content-Type": "application/json" } });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(detail);
  }
  return response;
}

async function control(action) {
  $("message").textContent = "";
  try {
    const response = await api("/api/control", { method: "POST", body: JSON.stringify({ action }) });
    render(await response.json());
  } catch (e) {
    $("message").textContent = e.message;
  }
}

async function download(path, suffix) {
  $("message").textContent = "";
  try {
    const blob = await (await api(path, { method: "GET" })).blob();
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = (board ? board.session.code : "session") + suffix;
    document.body.append(link);
    link.click();
    link.remove();
  } catch (e) {
    $("message").textContent = e.message;
  }
}

function exportCsv() { return download("/api/teams.csv", "-teams.csv"); }

// --- the joint debrief -----------------------------------------------------------------------------
// The host draws the charts as SVG (team names escaped there); the page parses them as XML, never as
// HTML, and puts the <svg> element in place. Everything else is set with textContent.

async function svgInto(id, path) {
  const text = await (await api(path, { method: "GET" })).text();
  const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  if (svg.nodeName !== "svg") return;
  $(id).replaceChildren(document.importNode(svg, true));
}

async function loadDebrief() {
  clearTimeout(debriefTimer);
  debriefTimer = setTimeout(loadDebrief, 4000);  // the teams may still send, and the replays may still run
  try {
    const text = await (await api("/api/debrief", { method: "GET" })).text();
    if (text === debriefText) return;
    debriefText = text;
    await renderDebrief(JSON.parse(text));
  } catch (e) {
    $("debrief-status").textContent = "debrief: " + e.message;
  }
}

async function renderDebrief(data) {
  $("debrief").hidden = false;
  $("names").value = data.session.names;
  const status = { ready: "Replays done.", running: "Replaying each team's decisions on the session's seed…" }[data.replays];
  $("debrief-status").textContent = (status || "Replays " + data.replays) + " " + data.teams.length + " teams.";
  const select = $("chart-kpi");
  const wanted = select.value || "score";
  select.replaceChildren(...data.chart_keys.map((k) => { const o = el("option", k.label); o.value = k.key; return o; }));
  select.value = data.chart_keys.some((k) => k.key === wanted) ? wanted : "score";
  renderDebriefTeams(data);
  renderStories(data);
  renderLessons(data.lessons);
  await Promise.all([drawChart(), svgInto("debrief-timeline", "/api/debrief/timeline.svg")]);
}

function drawChart() {
  return svgInto("debrief-chart", "/api/debrief/chart.svg?kpi=" + encodeURIComponent($("chart-kpi").value || "score"));
}

function renderDebriefTeams(data) {
  const cards = data.teams.map((t) => {
    const card = el("article", null, "card");
    card.dataset.team = String(t.id);
    card.append(el("h4", (t.rank === null ? "" : t.rank + ". ") + t.name));
    card.append(el("p", "score " + (t.score === null ? "n/a" : number(t.score, 3)) + " · " +
      (t.finished ? "finished" : "stopped at " + t.clock)));
    const measures = el("ul");
    t.measures.forEach((m) => {
      const li = el("li", m.label + ": " + m.value_text + " (target " + m.target_text + ") ");
      li.append(el("span", m.met === null ? "" : m.met ? "✓ met" : "✗ below", m.met ? "met" : "missed"));
      measures.append(li);
    });
    card.append(measures);
    const decisions = el("ol");
    t.decisions.forEach((d) => {
      const li = el("li", d.clock + " · " + d.decision.replace(/_/g, " ") + ": ");
      li.append(el("span", d.label + (d.style ? " (" + d.style + ")" : ""), "style-" + d.style));
      decisions.append(li);
    });
    if (!t.decisions.length) decisions.append(el("li", "no decision"));
    card.append(decisions);
    if (t.replay_problem) card.append(el("p", "Not replayed: " + t.replay_problem, "missed"));
    const print = el("button", "Printable summary");
    print.type = "button";
    print.addEventListener("click", () => download("/api/teams/" + t.id + "/summary.html", "-team-" + t.id + "-summary.html"));
    card.append(print);
    return card;
  });
  $("debrief-teams").replaceChildren(...cards);
}

function renderStories(data) {
  $("debrief-customer").textContent = data.customer.about;
  $("debrief-stories").replaceChildren(...data.teams.map((t) => {
    const card = el("article", null, "card");
    card.append(el("h4", t.name), el("pre", t.story.length ? t.story.join("\n") : "no story yet", "story"));
    return card;
  }));
}

function renderLessons(lessons) {
  const rows = lessons.map((lesson) => {
    const tr = el("tr");
    tr.append(el("td", lesson.says), el("td", lesson.summary));
    const each = el("td");
    lesson.teams.forEach((e) => {
      const side = e.side === "neither" ? "neither side" : "closer to the " + e.side + " (" + e.agreeing + " of " + e.of + ")";
      each.append(el("span", e.team + ": " + e.value_text + ", " + side, "part"));
    });
    tr.append(each);
    return tr;
  });
  if (!rows.length) { const tr = el("tr"); tr.append(el("td", "The replays are not in yet.")); rows.push(tr); }
  $("debrief-lessons").tBodies[0].replaceChildren(...rows);
}

async function setNames() {
  try {
    await api("/api/names", { method: "POST", body: JSON.stringify({ names: $("names").value }) });
    debriefText = "";
    loadDebrief();
  } catch (e) {
    $("message").textContent = e.message;
  }
}

function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  ws.onopen = () => ws.send(JSON.stringify({ key: KEY }));
  ws.onmessage = (event) => {
    $("connection").textContent = "live";
    $("connection").className = "online";
    render(JSON.parse(event.data));
  };
  ws.onclose = (event) => {
    $("connection").textContent = event.code === 4403 ? "wrong facilitator key (open the URL cxsim host printed)" : "reconnecting…";
    $("connection").className = "offline";
    if (event.code !== 4403) setTimeout(connect, 1000);
  };
}

document.addEventListener("DOMContentLoaded", () => {
  $("start").addEventListener("click", () => control("start"));
  $("pause").addEventListener("click", () => control("pause"));
  $("resume").addEventListener("click", () => control("resume"));
  $("release").addEventListener("click", () => control("release"));
  $("end").addEventListener("click", () => {
    if (endArmed) { clearTimeout(endArmed); endArmed = null; $("end").classList.remove("armed"); $("end").textContent = "End session"; control("end"); return; }
    $("end").classList.add("armed");
    $("end").textContent = "Click again to end";
    endArmed = setTimeout(() => { endArmed = null; $("end").classList.remove("armed"); $("end").textContent = "End session"; }, 4000);
  });
  $("export").addEventListener("click", exportCsv);
  $("export-debrief").addEventListener("click", () => download("/api/debrief.csv", "-debrief.csv"));
  $("export-summary").addEventListener("click", () => download("/api/summary.html", "-class-summary.html"));
  $("names").addEventListener("change", setNames);
  $("chart-kpi").addEventListener("change", () => drawChart().catch((e) => { $("message").textContent = e.message; }));
  if (!KEY) $("message").textContent = "No facilitator key in this URL: open the dashboard URL cxsim host printed.";
  connect();
});
