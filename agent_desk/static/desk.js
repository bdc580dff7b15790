// The desk pages' behaviour: every action goes through the JSON API with the CSRF header.
"use strict";

const M = JSON.parse(document.getElementById("messages").textContent);
const t = (key) => M[key] || key;
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

async function api(method, path, body) {
  const options = { method, headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  const code = data.error && data.error.code;
  if (code === "not-signed-in") { window.location = "/desk/login"; }
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || response.statusText);
    error.code = code;
    throw error;
  }
  return data;
}

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  for (const [key, value] of Object.entries(attrs || {})) { node.setAttribute(key, value); }
  return node;
}

function formData(form) { return Object.fromEntries(new FormData(form).entries()); }

function deadlineText(order) {
  const d = order.deadline;
  if (!d) { return order.due_date; }
  if (d.level === "overdue") { return `${order.due_date} · ${t("order.overdue")}`; }
  return `${order.due_date} · ${t("order.days_left")} ${d.working_days_left}`;
}

function liveUpdates(reload) {
  const source = new EventSource("/api/events");
  source.addEventListener("order", reload);
  source.addEventListener("voicemail", reload);
}

function login() {
  const form = document.getElementById("login-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/api/auth/login", formData(form));
      window.location = "/desk";
    } catch (error) {
      const key = { "sign-in-failed": "login.failed", "sign-in-locked": "login.locked" }[error.code];
      document.getElementById("login-error").textContent = key ? t(key) : error.message;
    }
  });
}

function console_() {
  const card = document.getElementById("department-card");
  async function showDepartment(code) {
    const d = await api("GET", `/api/directory/departments/${encodeURIComponent(code)}`);
    for (const field of ["name", "service_phone", "complaint_phone", "address", "duties"]) {
      card.querySelector(`[data-field="${field}"]`).textContent = d[field] || "";
    }
    const open = card.querySelector('[data-field="open"]');
    open.textContent = `${d.open_now ? t("console.open") : t("console.closed")} (${d.hours})`;
    open.className = d.open_now ? "open" : "closed";
    card.dataset.code = d.code;
    card.hidden = false;
    document.getElementById("order-department").value = d.code;
    document.getElementById("order-department-name").textContent = d.name;
  }
  document.getElementById("directory-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = event.target.q.value.trim();
    const param = /^[0-9]+$/.test(q) ? "keys" : "q";
    const result = await api("GET", `/api/directory/search?${param}=${encodeURIComponent(q)}`);
    const list = document.getElementById("directory-results");
    list.replaceChildren();
    for (const match of result.results || []) {
      const item = el("li");
      const link = el("button", match.name, { type: "button", class: "link" });
      link.addEventListener("click", () => showDepartment(match.code));
      item.append(link);
      list.append(item);
    }
  });
  document.getElementById("kb-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api("GET", `/api/kb/search?q=${encodeURIComponent(event.target.q.value)}`);
    const list = document.getElementById("kb-results");
    list.replaceChildren(...result.entries.map((e) => {
      const item = el("li");
      item.append(el("strong", e.question), el("p", e.answer), el("small", e.department_code));
      return item;
    }));
  });
  document.getElementById("transfer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = document.getElementById("transfer-result");
    try {
      await api("POST", `/api/calls/${encodeURIComponent(event.target.call_id.value)}/transfer`,
        { department_code: card.dataset.code });
      out.textContent = "OK";
    } catch (error) { out.textContent = error.message; }
  });
  const callerInput = document.getElementById("caller-number");
  async function history() {
    const number = callerInput.value.trim();
    const body = document.querySelector("#history tbody");
    if (!number) { body.replaceChildren(); return; }
    const result = await api("GET", `/api/orders?caller_number=${encodeURIComponent(number)}`);
    body.replaceChildren(...result.orders.map((o) => {
      const row = el("tr");
      row.append(el("td", o.number), el("td", o.subject), el("td", o.status_label), el("td", deadlineText(o)));
      return row;
    }));
  }
  callerInput.addEventListener("change", history);
  const form = document.getElementById("order-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = formData(form);
    if (!body.department_code) { delete body.department_code; }
    const out = document.getElementById("order-result");
    try {
      const order = await api("POST", "/api/orders", body);
      out.textContent = `${t("order.created")} ${order.number} · ${order.status_label}`;
      out.dataset.number = order.number;
      await history();
      form.reset();  // a second click must not file the same call twice
      for (const hidden of form.querySelectorAll("input[type=hidden]")) { hidden.value = ""; }
      document.getElementById("order-department-name").textContent = "";
    } catch (error) { out.textContent = error.message; }
  });
  const params = new URLSearchParams(window.location.search);
  if (params.get("caller")) { callerInput.value = params.get("caller"); history(); }
  liveUpdates(history);
  seatsAndCallbacks();
}

// The operator's own seat: sit at a free seat of the site, presence, and the screen pop.
let mySeat = null;
function seatLabel(state) { return t(`seat.state.${state}`); }

function showSeat(data) {
  mySeat = data.seat;
  const status = document.getElementById("seat-state");
  const select = document.getElementById("seat-select");
  const sitting = Boolean(mySeat);
  document.getElementById("seat-free").hidden = sitting;
  document.getElementById("seat-own").hidden = !sitting;
  if (sitting) {
    status.textContent = `${mySeat.id} · ${seatLabel(mySeat.state)}`;
    status.dataset.state = mySeat.state;
  } else {
    select.replaceChildren(...data.free.map((seat) => el("option", seat.id, { value: seat.id })));
    if (!data.free.length) { select.replaceChildren(el("option", t("seat.none_free"), { value: "" })); }
  }
}

function showPop(pop) {
  const panel = document.getElementById("pop");
  panel.hidden = false;
  panel.dataset.call = pop.call_id;
  panel.querySelector('[data-field="caller"]').textContent = pop.caller_number || "—";
  panel.querySelector('[data-field="dialled"]').textContent = pop.hotline_number || "—";
  panel.querySelector('[data-field="path"]').textContent = pop.path.length ? pop.path.join(" → ") : "—";
  const orders = panel.querySelector('[data-field="orders"]');
  orders.replaceChildren(...(pop.orders.length ? pop.orders.map((o) => {
    const item = el("li");
    item.append(el("a", o.number, { href: `/desk/orders/${o.number}` }), document.createTextNode(` ${o.subject} · ${o.status_label}`));
    return item;
  }) : [el("li", t("pop.none"))]));
  const calls = panel.querySelector('[data-field="calls"]');
  calls.replaceChildren(...(pop.calls.length ? pop.calls.map((c) => el("li", `${c.started_at.slice(0, 16).replace("T", " ")} · ${c.hotline_number} · ${c.outcome}`))
    : [el("li", t("pop.none"))]));
  const form = document.getElementById("order-form");
  form.caller_number.value = pop.caller_number || "";
  form.hotline_number.value = pop.hotline_number || "";
  form.call_id.value = pop.call_id;
  if (pop.department_code) { form.department_code.value = pop.department_code; }
  form.caller_number.dispatchEvent(new Event("change"));
  document.getElementById("order-department-name").textContent = pop.department_name || "";
  form.subject.focus({ preventScroll: true });
}

async function seatsAndCallbacks() {
  const select = document.getElementById("seat-select");
  const status = document.getElementById("seat-state");
  const act = async (path, body) => {
    try { showSeat(await api("POST", path, body)); } catch (error) { status.textContent = error.message; }
  };
  try { showSeat(await api("GET", "/api/my-seat")); } catch (error) { status.textContent = error.message; return; }
  document.getElementById("seat-sit").addEventListener("click", () => act("/api/my-seat", { seat_id: select.value }));
  for (const button of document.querySelectorAll("#seat-own button[data-state]")) {
    button.addEventListener("click", () => act("/api/my-seat/state", { state: button.dataset.state }));
  }
  document.getElementById("seat-leave").addEventListener("click", () => act("/api/my-seat/leave"));
  const stream = new EventSource("/api/my-seat/events");
  stream.addEventListener("seat", (event) => {
    const data = JSON.parse(event.data);
    if (mySeat && data.seat === mySeat.id) {
      mySeat.state = data.state;
      status.textContent = `${mySeat.id} · ${seatLabel(data.state)}`;
      status.dataset.state = data.state;
    }
  });
  stream.addEventListener("pop", (event) => showPop(JSON.parse(event.data)));
  const endpointOf = () => (mySeat || {}).endpoint;
  const body = document.querySelector("#callbacks tbody");
  const out = document.getElementById("callback-result");
  let page = 1;
  async function reload() {
    const result = await api("GET", `/api/my-seat/callbacks?page=${page}`);
    document.getElementById("callbacks-total").textContent = result.total;
    pager(document.getElementById("callbacks-pager"), result.page, result.pages, (n) => { page = n; reload(); });
    body.replaceChildren(...result.callbacks.map((c) => {
      const row = el("tr", null, { "data-callback": c.id });
      const call = el("button", t("callbacks.call"), { type: "button" });
      call.addEventListener("click", async () => {
        try {
          const answer = await api("POST", `/api/callbacks/${c.id}/call`, { from_endpoint: endpointOf() });
          out.textContent = `${c.caller}: ${answer.callback_id}`;
        } catch (error) { out.textContent = error.message; }
      });
      const action = el("td");
      action.append(call);
      row.append(el("td", c.caller), el("td", c.last_at.slice(0, 16).replace("T", " ")), el("td", c.hotline_number),
        el("td", c.missed_calls), el("td", t(`callbacks.reason.${c.reason}`)), action);
      return row;
    }));
  }
  await reload();
  window.setInterval(() => reload().catch(() => {}), 15000);
}

// The liaison inbox: the server sends the open orders and unheard voicemails of the
// user's departments, most urgent first, one page at a time.
function pager(node, page, pages, go) {
  node.replaceChildren();
  if (pages <= 1) { return; }
  const prev = el("button", t("page.prev"), { type: "button", rel: "prev" });
  prev.disabled = page <= 1;
  prev.addEventListener("click", () => go(page - 1));
  const next = el("button", t("page.next"), { type: "button", rel: "next" });
  next.disabled = page >= pages;
  next.addEventListener("click", () => go(page + 1));
  node.append(prev, el("span", `${page} / ${pages}`), next);
}

function reasonText(reason) {
  const key = `vm.reason.${reason}`;
  return M[key] || reason;
}

function inbox() {
  let page = 1;
  let vmPage = 1;
  async function reload() {
    const data = await api("GET", `/api/inbox?page=${page}&vm_page=${vmPage}`);
    const body = document.querySelector("#inbox-orders tbody");
    if (!data.orders.length) {
      const row = el("tr");
      row.append(el("td", t("inbox.none"), { colspan: "6" }));
      body.replaceChildren(row);
    } else {
      body.replaceChildren(...data.orders.map((o) => {
        const row = el("tr", null, { "data-number": o.number });
        const link = el("a", o.number, { href: `/desk/orders/${o.number}` });
        const number = el("td");
        number.append(link);
        const due = el("td", deadlineText(o), { class: o.deadline ? o.deadline.level : "" });
        const actions = el("td");
        if (o.allowed_transitions.includes("start")) {
          const start = el("button", t("inbox.start"), { type: "button" });
          start.addEventListener("click", () => api("POST", `/api/orders/${o.id}/transitions`, { transition: "start" }).then(reload));
          actions.append(start);
        }
        row.append(number, el("td", o.subject), el("td", o.department_name || ""),
          el("td", o.status_label), due, actions);
        return row;
      }));
    }
    document.getElementById("inbox-total").textContent = data.orders_total;
    pager(document.getElementById("inbox-pager"), data.page, data.pages, (n) => { page = n; reload(); });
    const list = document.getElementById("voicemails");
    document.getElementById("voicemails-total").textContent = data.voicemails_total;
    if (!data.voicemails.length) { list.replaceChildren(el("li", t("inbox.no_voicemails"), { class: "muted" })); }
    else {
      list.replaceChildren(...data.voicemails.map((v) => {
        const item = el("li", null, { "data-voicemail": v.id });
        item.append(el("strong", `${v.caller_number} · ${v.recorded_at.slice(0, 16).replace("T", " ")}`));
        item.append(el("div", `${t("vm.department")}: ${v.department_name || "—"} · ${t("vm.reason")}: ${reasonText(v.reason)} · ${t("vm.length")} ${Math.round(v.duration_s)}${t("vm.seconds")}`, { class: "vm-meta" }));
        item.append(el("div", `${t("order.due")} ${v.reply_due}`));
        if (v.empty) { item.append(el("p", t("vm.empty"), { class: "empty" })); }
        else if (v.has_audio) {
          item.append(el("audio", null, { controls: "", preload: "none", src: `/api/voicemails/${v.id}/audio` }));
        }
        const form = el("form", null, { class: "reply" });
        const text = el("textarea", null, { name: "reply", rows: "2", required: "" });
        form.append(text, el("button", t("inbox.mark_handled"), { type: "submit" }));
        form.addEventListener("submit", async (event) => {
          event.preventDefault();
          await api("POST", `/api/voicemails/${v.id}/handled`, { reply: text.value });
          await reload();
        });
        item.append(form);
        return item;
      }));
    }
    pager(document.getElementById("voicemails-pager"), data.vm_page, data.vm_pages, (n) => { vmPage = n; reload(); });
  }
  reload();
  liveUpdates(reload);
}

// The supervisor's late orders: filtered and paged by the server, department names shown.
function supervisor() {
  const filters = document.getElementById("late-filters");
  let page = 1;
  async function reload() {
    const params = new URLSearchParams(formData(filters));
    for (const [key, value] of [...params.entries()]) { if (!value) { params.delete(key); } }
    params.set("page", page);
    params.set("status", "open");
    const result = await api("GET", `/api/orders/page?${params}`);
    document.getElementById("late-total").textContent = result.total;
    pager(document.getElementById("late-pager"), result.page, result.pages, (n) => { page = n; reload(); });
    const body = document.querySelector("#late-orders tbody");
    body.replaceChildren(...result.orders.map((o) => {
      const row = el("tr", null, { "data-number": o.number, class: o.deadline ? o.deadline.level : "" });
      const number = el("td");
      number.append(el("a", o.number, { href: `/desk/orders/${o.number}` }));
      const actions = el("td");
      if (o.supervised) { actions.append(el("span", t("detail.supervised"))); }
      else { actions.append(el("a", t("supervisor.supervise"), { href: `/desk/orders/${o.number}#supervise` })); }
      row.append(number, el("td", o.subject), el("td", o.department_name || "—"),
        el("td", o.status_label), el("td", deadlineText(o)), actions);
      return row;
    }));
  }
  filters.addEventListener("change", () => { page = 1; reload(); });
  filters.addEventListener("submit", (event) => { event.preventDefault(); page = 1; reload(); });
  reload();
  liveUpdates(reload);
}

// The order page: each allowed transition is a form; its fields become the JSON body.
const NUMBER_FIELDS = new Set(["satisfaction", "merged_into_id"]);
function orderPage() {
  for (const form of document.querySelectorAll("form.transition")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { transition: form.dataset.transition };
      for (const [key, value] of new FormData(form).entries()) {
        if (value === "") { continue; }
        body[key] = NUMBER_FIELDS.has(key) ? Number(value) : value;
      }
      const out = form.querySelector(".error");
      out.textContent = "";
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        await api("POST", `/api/orders/${form.dataset.order}/transitions`, body);
        window.location.reload();
      } catch (error) {
        out.textContent = error.message;
        button.disabled = false;
      }
    });
  }
}

// Forms that post their fields as JSON to data-post (督办: open, answer, review).
const INT_FIELDS = new Set(["order_id"]);
function postForms() {
  for (const form of document.querySelectorAll("form.post")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {};
      for (const [key, value] of new FormData(form).entries()) {
        if (value !== "") { body[key] = INT_FIELDS.has(key) ? Number(value) : value; }
      }
      const out = form.querySelector(".error");
      out.textContent = "";
      try {
        const result = await api("POST", form.dataset.post, body);
        if (form.dataset.next === "supervision") { window.location = `/desk/supervision/${result.id}`; }
        else { window.location.reload(); }
      } catch (error) { out.textContent = error.message; }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  postForms();
  const signOut = document.getElementById("sign-out");
  if (signOut) {
    signOut.addEventListener("click", async () => {
      // Presence follows the user: signing out of the desk leaves the seat too.
      if (mySeat) { await api("POST", "/api/my-seat/leave").catch(() => {}); }
      await api("POST", "/api/auth/logout");
      window.location = "/desk/login";
    });
  }
  const pages = { login, console: console_, inbox, supervisor, order: orderPage };
  const page = pages[document.body.dataset.page];
  if (page) { page(); }
});
