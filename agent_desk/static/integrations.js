// The admin's machine-access page: API clients, webhooks, the delivery log.
// Loaded after desk.js, whose api(), t() and formData() it uses.
"use strict";

function showSecret(label, value) {
  const out = document.getElementById("issued-secret");
  out.hidden = false;
  out.textContent = `${label}: ${value} — ${t("api.shown_once")}`;
}

function integrationsPage() {
  document.getElementById("client-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const data = await api("POST", "/api/api-clients", formData(event.target));
      showSecret(data.client.name, data.token);
    } catch (error) { document.getElementById("client-result").textContent = error.message; }
  });
  document.getElementById("webhook-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const events = [...form.querySelectorAll("input[name=events]:checked")].map((i) => i.value);
    try {
      const data = await api("POST", "/api/webhooks",
        { department_code: form.department_code.value, url: form.url.value, events });
      showSecret(data.webhook.url, data.secret);
    } catch (error) { document.getElementById("webhook-result").textContent = error.message; }
  });
  document.querySelector("main").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) { return; }
    const row = button.closest("tr");
    const action = button.dataset.action;
    try {
      if (action === "rotate" || action === "rotate-now") {
        const overlap = action === "rotate" ? 60 : 0;
        const data = await api("POST", `/api/api-clients/${row.dataset.client}/rotate`,
          { overlap_minutes: overlap });
        showSecret(data.client.name, data.token);
        return;
      }
      if (action === "revoke") { await api("POST", `/api/api-clients/${row.dataset.client}/revoke`); }
      if (action === "deactivate") { await api("POST", `/api/webhooks/${row.dataset.webhook}/deactivate`); }
      if (action === "replay") { await api("POST", `/api/webhook-deliveries/${row.dataset.delivery}/replay`); }
      window.location.reload();
    } catch (error) { button.textContent = error.message; }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  if (document.body.dataset.page === "integrations") { integrationsPage(); }
});
