// The wallboard: redraws its tiles and city table from the server's event stream.
"use strict";

function cell(text) { const td = document.createElement("td"); td.textContent = String(text); return td; }

function drawWallboard(board) {
  const live = board.live;
  document.getElementById("live-absent").hidden = Boolean(live);
  document.getElementById("tile-ivr").textContent = live ? live.calls_in_ivr_total : "—";
  document.getElementById("tile-waiting").textContent = live ? live.waiting : "—";
  document.getElementById("tile-longest").textContent = live ? Math.round(live.longest_wait_s) : "—";
  for (const [key, text] of Object.entries(board.today_text)) {
    const tile = document.querySelector(`[data-today="${key}"]`);
    if (tile) { tile.textContent = text; }
    const box = document.querySelector(`[data-tile="${key}"]`);
    if (box) { box.classList.toggle("missed", board.missed_targets.includes(key)); }
  }
  drawAgents(live ? live.agents || [] : []);
  const body = document.querySelector("#sites tbody");
  body.replaceChildren();
  for (const site of (live ? live.sites : [])) {
    const seats = live.seats[site.site] || {};
    const row = document.createElement("tr");
    row.dataset.site = site.site;
    row.append(cell(site.site), cell(site.waiting), cell(site.overflowed_out), cell(site.overflowed_in));
    for (const state of ["available", "ringing", "on_call", "wrap_up", "break", "offline"]) {
      row.append(cell(seats[state] || 0));
    }
    body.append(row);
  }
  document.getElementById("updated-at").textContent = board.at.slice(11, 19);
  const warnings = document.getElementById("wallboard-warnings");
  if (warnings) {
    warnings.replaceChildren(...(board.warnings || []).map((text) => {
      const p = document.createElement("p");
      p.className = "warning"; p.setAttribute("role", "alert"); p.textContent = text;
      return p;
    }));
  }
}

// The seat grid: state and time in state tick between pushes, from the server's figures.
let agentsAt = 0;
let agentRows = [];

function drawAgents(agents) {
  agentsAt = Date.now();
  const body = document.querySelector("#agents tbody");
  body.replaceChildren();
  agentRows = agents.map((agent) => {
    const row = document.createElement("tr");
    row.dataset.seat = agent.seat;
    row.dataset.state = agent.state;
    const since = cell(Math.round(agent.in_state_s));
    since.className = "in-state";
    row.append(cell(agent.seat), cell(agent.site), cell(agent.state), since, cell(agent.calls_today));
    body.append(row);
    return { since, seconds: agent.in_state_s };
  });
}

function tickAgents() {
  const elapsed = (Date.now() - agentsAt) / 1000;
  for (const row of agentRows) { row.since.textContent = String(Math.round(row.seconds + elapsed)); }
}

document.addEventListener("DOMContentLoaded", () => {
  window.setInterval(tickAgents, 1000);
  const board = document.getElementById("wallboard");
  const stream = new EventSource(board.dataset.stream);
  stream.addEventListener("wallboard", (event) => drawWallboard(JSON.parse(event.data)));
});
