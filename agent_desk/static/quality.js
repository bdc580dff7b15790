// 质检 forms on the order and call pages: save the score and notes through the JSON API.
// Loaded after desk.js, whose api() and t() it uses.
"use strict";

for (const form of document.querySelectorAll("form.quality-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = form.querySelector(".error");
    error.textContent = "";
    const body = { score: Number(form.score.value), notes: form.notes.value };
    try {
      const saved = await api("POST", `/api/quality/recordings/${form.dataset.recording}/score`, body);
      const line = form.parentElement.querySelector(".quality-score");
      line.dataset.score = String(saved.score);
      line.textContent = `${t("quality.score")} ${saved.score} · ${saved.scored_by}` +
        (saved.notes ? ` · ${saved.notes}` : "");
    } catch (failure) {
      error.textContent = failure.message;
    }
  });
}
