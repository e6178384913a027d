// The facilitator's dashboard: draws the board the host pushes over a websocket, and sends the controls.
// Everything a team or a scenario wrote (team names, labels, titles) is set with textContent, never as
// HTML, so a team called "<b>x</b>" shows those characters. The facilitator key comes from the URL's
// fragment (#key=...), which the browser never sends to the server in a request line.
"use strict";

const KEY = new URLSearchParams(location.hash.slice(1)).get("key") || "";
const $ = (id) => document.getElementById(id);
let board = null;
let endArmed = null;

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

async function exportCsv() {
  $("message").textContent = "";
  try {
    const blob = await (await api("/api/teams.csv", { method: "GET" })).blob();
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = (board ? board.session.code : "session") + "-teams.csv";
    document.body.append(link);
    link.click();
    link.remove();
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
  if (!KEY) $("message").textContent = "No facilitator key in this URL: open the dashboard URL cxsim host printed.";
  connect();
});
