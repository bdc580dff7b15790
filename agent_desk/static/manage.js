// The management pages (directory entry, knowledge base, users) and the console's call
// history. Loaded after desk.js, whose api(), el(), t() and formData() it uses.
"use strict";

function fillSelect(select, departments) {
  select.replaceChildren(...departments.map((d) => el("option", d.name, { value: d.code })));
}

function departmentsPage() {
  const choice = document.getElementById("department-choice");
  const form = document.getElementById("department-form");
  const out = document.getElementById("department-result");
  function show(data) {
    const d = data.department;
    document.getElementById("department-name").textContent = d.name;
    for (const input of form.querySelectorAll("[data-field]")) {
      const value = d[input.dataset.field];
      input.value = Array.isArray(value) ? value.join("|") : (value || "");
    }
    const body = document.querySelector("#department-history tbody");
    body.replaceChildren(...data.history.map((c) => {
      const row = el("tr", null, { "data-field": c.field });
      row.append(el("td", c.changed_at.slice(0, 16).replace("T", " ")), el("td", c.changed_by),
        el("td", t(`field.${c.field}`)), el("td", c.old), el("td", c.new));
      return row;
    }));
  }
  async function load() {
    out.textContent = "";
    show(await api("GET", `/api/departments/${encodeURIComponent(choice.value)}`));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const data = await api("PUT", `/api/departments/${encodeURIComponent(choice.value)}`, formData(form));
      show(data);
      out.textContent = data.changed.length ? t("dept.saved") : t("dept.unchanged");
    } catch (error) { out.textContent = error.message; }
  });
  choice.addEventListener("change", load);
  api("GET", "/api/departments").then((data) => { fillSelect(choice, data.departments); return load(); });
}

function kbPage() {
  const choice = document.getElementById("kb-department");
  const form = document.getElementById("kb-entry-form");
  const out = document.getElementById("kb-entry-result");
  async function load() {
    const code = encodeURIComponent(choice.value);
    const data = await api("GET", `/api/kb/search?department=${code}&limit=100`);
    document.getElementById("kb-entries").replaceChildren(...data.entries.map((e) => {
      const item = el("li", null, { "data-entry": e.id });
      const edit = el("button", t("kb.edit"), { type: "button" });
      edit.addEventListener("click", () => {
        form.id.value = e.id;
        form.question.value = e.question;
        form.answer.value = e.answer;
        form.keywords.value = e.keywords;
      });
      const remove = el("button", t("kb.delete"), { type: "button" });
      remove.addEventListener("click", async () => {
        if (window.confirm(t("kb.confirm_delete"))) { await api("DELETE", `/api/kb/entries/${e.id}`); await load(); }
      });
      item.append(el("strong", e.question), el("p", e.answer), edit, remove);
      return item;
    }));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = formData(form);
    const id = body.id;
    delete body.id;
    try {
      if (id) { await api("PUT", `/api/kb/entries/${id}`, body); } else {
        await api("POST", "/api/kb/entries", { ...body, department_code: choice.value });
      }
      form.reset();
      form.id.value = "";
      out.textContent = t("dept.saved");
      await load();
    } catch (error) { out.textContent = error.message; }
  });
  choice.addEventListener("change", load);
  api("GET", "/api/departments").then((data) => { fillSelect(choice, data.departments); return load(); });
}

function usersPage() {
  const secret = document.getElementById("one-time-password");
  function showSecret(name, password) {
    secret.textContent = `${t("users.one_time")} · ${name}: ${password}`;
    secret.hidden = false;
  }
  for (const row of document.querySelectorAll("#users tr[data-user]")) {
    const id = row.dataset.user;
    row.addEventListener("click", async (event) => {
      const action = event.target.dataset && event.target.dataset.action;
      if (!action) { return; }
      try {
        if (action === "contact") {
          await api("PATCH", `/api/users/${id}`, {
            email: row.querySelector("input[name=email]").value,
            phone: row.querySelector("input[name=phone]").value,
          });
          row.classList.add("saved");
        } else if (action === "toggle") {
          const user = await api("PATCH", `/api/users/${id}`, { active: event.target.dataset.active !== "true" });
          event.target.dataset.active = String(user.active);
          event.target.textContent = user.active ? t("users.deactivate") : t("users.activate");
          row.querySelector('[data-field="active"]').textContent = user.active ? "✓" : "✗";
          row.classList.toggle("inactive", !user.active);
        } else if (action === "reset") {
          const result = await api("POST", `/api/users/${id}/password`);
          showSecret(row.dataset.name, result.one_time_password);
        }
      } catch (error) { secret.textContent = error.message; secret.hidden = false; }
    });
  }
  const form = document.getElementById("user-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = formData(form);
    const departments = body.departments.split(",").map((d) => d.trim()).filter(Boolean);
    const out = document.getElementById("user-result");
    try {
      const user = await api("POST", "/api/users", { name: body.name, role: body.role, departments });
      if (body.email || body.phone) {
        await api("PATCH", `/api/users/${user.id}`, { email: body.email, phone: body.phone });
      }
      showSecret(user.name, user.one_time_password);
      out.textContent = "";
      form.reset();
    } catch (error) { out.textContent = error.message; }
  });
}

function callHistory() {
  const input = document.getElementById("caller-number");
  async function load() {
    const number = input.value.trim();
    const body = document.querySelector("#calls tbody");
    const path = document.querySelector("#call-path ol");
    if (!number) { body.replaceChildren(); path.replaceChildren(); return; }
    const data = await api("GET", `/api/calls?caller=${encodeURIComponent(number)}&limit=10`);
    body.replaceChildren(...data.calls.map((c) => {
      const row = el("tr", null, { "data-call": c.call_id });
      const when = el("td");  // the call page: its record, orders and (supervisors) 质检
      when.append(el("a", c.started_at.slice(0, 16).replace("T", " "),
        { href: `/desk/calls/${encodeURIComponent(c.call_id)}` }));
      row.append(when, el("td", c.hotline_number),
        el("td", c.department_name || "—"), el("td", c.path.join(" → ") || "—"));
      return row;
    }));
    const latest = data.calls[0];
    if (!latest) { path.replaceChildren(el("li", t("calls.none"))); return; }
    path.replaceChildren(...(latest.path.length ? latest.path : [t("pop.none")]).map((word) => el("li", word)));
  }
  input.addEventListener("change", load);
  if (input.value.trim() || new URLSearchParams(window.location.search).get("caller")) {
    input.value = input.value.trim() || new URLSearchParams(window.location.search).get("caller");
    load();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const pages = { departments: departmentsPage, kb: kbPage, users: usersPage, console: callHistory };
  const page = pages[document.body.dataset.page];
  if (page) { page(); }
});
