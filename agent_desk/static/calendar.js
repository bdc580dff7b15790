// The holiday calendar page: admins enter, import and remove days; the page reloads to
// show the year as the server now computes it. Uses desk.js's api(), el(), t(), formData().
"use strict";

function calendarPage() {
  const section = document.getElementById("calendar");
  if (!section) { return; }
  const out = document.getElementById("calendar-result");
  const errors = document.getElementById("calendar-errors");
  const reload = () => { window.location.reload(); };
  const fail = (error) => { if (out) { out.textContent = error.message; } };
  for (const button of section.querySelectorAll('[data-action="remove"]')) {
    button.addEventListener("click", async () => {
      const day = button.closest("tr").dataset.day;
      try { await api("DELETE", `/api/calendar/days/${day}`); reload(); } catch (error) { fail(error); }
    });
  }
  const dayForm = document.getElementById("calendar-day-form");
  if (dayForm) {
    dayForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = formData(dayForm);
      try {
        await api("PUT", `/api/calendar/days/${data.date}`, { kind: data.kind, name: data.name });
        reload();
      } catch (error) { fail(error); }
    });
  }
  const importForm = document.getElementById("calendar-import-form");
  if (importForm) {
    importForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const report = await api("POST", "/api/calendar/import", formData(importForm));
        out.textContent = `${t("cal.imported")}: ${report.saved}`;
        errors.replaceChildren(...report.errors.map((e) => el("li", `${t("cal.rejected")} ${e.line}: ${e.reason}`)));
        if (!report.errors.length) { reload(); }
      } catch (error) { fail(error); }
    });
  }
}

document.addEventListener("DOMContentLoaded", calendarPage);
