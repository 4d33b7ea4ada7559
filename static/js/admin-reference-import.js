// "Add references from a file": sends the pasted records or the chosen file to the site, which
// reads them (BibTeX, RIS or PubMed) and answers with reference rows; each is added with the
// inline's own "Add another" link and filled in. Nothing is saved until the editor presses Save.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("reference-file");
  if (!panel) return;
  const prefix = panel.dataset.prefix;
  const group = document.getElementById(`${prefix}-group`);
  const text = document.getElementById("reference-file-text");
  const upload = document.getElementById("reference-file-upload");
  const button = document.getElementById("reference-file-add");
  const errors = document.getElementById("reference-file-errors");
  const result = document.getElementById("reference-file-result");
  const MAX_BYTES = 200000;

  const rows = () => [...group.querySelectorAll(".inline-related")].filter((row) => !row.classList.contains("empty-form"));
  const valuesOf = (field) =>
    rows()
      .map((row) => row.querySelector(`[name$="-${field}"]`))
      .filter((input) => input && input.value.trim())
      .map((input) => input.value.trim());

  const say = (box, lines) => {
    box.replaceChildren();
    if (!lines.length) return;
    const first = document.createElement("p");
    first.textContent = lines[0];
    box.append(first);
    if (lines.length > 1) {
      const list = document.createElement("ul");
      for (const line of lines.slice(1)) {
        const item = document.createElement("li");
        item.textContent = line;
        list.append(item);
      }
      box.append(list);
    }
  };

  const newRow = () => {
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const index = Number(total.value);
    const add = group.querySelector(".add-row a");
    if (!add) return null;
    add.click();
    return document.getElementById(`${prefix}-${index}`);
  };

  const fill = (row, reference) => {
    const index = row.id.slice(prefix.length + 1);
    const input = (field) => row.querySelector(`[name="${prefix}-${index}-${field}"]`);
    const order = input("order");
    if (order && !order.value) {
      const orders = valuesOf("order").map(Number).filter(Number.isFinite);
      reference = { ...reference, order: orders.length ? Math.max(...orders) + 1 : 1 };
    }
    for (const [field, value] of Object.entries(reference)) {
      const box = input(field);
      if (!box || value === null || value === "") continue;
      box.value = String(value);
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  const addRows = (answer) => {
    const keys = [];
    for (const reference of answer.references) {
      const row = newRow();
      if (!row) break;
      fill(row, reference);
      keys.push(reference.key);
    }
    if (keys.length) panel.dispatchEvent(new CustomEvent("admin:changed", { bubbles: true }));
    const cites = keys.map((key) => `[^${key}]`).join(", ");
    const summary = keys.length
      ? `Added ${keys.length} reference${keys.length === 1 ? "" : "s"}: ${keys.join(", ")} — cite ${keys.length === 1 ? "it" : "them"} as ${cites}. Press Save to keep ${keys.length === 1 ? "it" : "them"}.`
      : "No reference was added.";
    const skipped = answer.skipped.map((line) => `Skipped: ${line}`);
    say(result, [summary, ...skipped]);
    if (answer.notes.length) say(errors, ["Check these before saving:", ...answer.notes]);
    if (keys.length === answer.references.length) {
      text.value = "";
      upload.value = "";
    }
  };

  const send = async () => {
    const body = new FormData();
    const file = upload.files[0];
    if (file) {
      if (file.size > MAX_BYTES) {
        return say(errors, [`“${file.name}” has ${file.size.toLocaleString("en")} bytes; at most ${MAX_BYTES.toLocaleString("en")} can be read at once. Add the references in smaller batches.`]);
      }
      body.append("file", file);
    } else if (text.value.trim()) {
      body.append("text", text.value);
    } else {
      return say(errors, ["There is nothing to read: paste the records or choose a file."]);
    }
    for (const key of valuesOf("key")) body.append("taken", key);
    for (const doi of valuesOf("doi")) body.append("doi", doi);
    for (const pmid of valuesOf("pmid")) body.append("pmid", pmid);
    body.append("csrfmiddlewaretoken", document.querySelector("[name=csrfmiddlewaretoken]").value);
    let response;
    try {
      response = await fetch(panel.dataset.url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      });
    } catch {
      return say(errors, ["The site could not be reached; nothing was added. Try again in a moment."]);
    }
    if (response.status === 429) {
      return say(errors, ["You have added references from files many times in a short while. Wait a minute and try again."]);
    }
    const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
    if (!json && response.redirected) {
      return say(errors, ["You have been signed out: sign in again in another tab (to keep this form), then press Add."]);
    }
    const answer = json ? await response.json() : null;
    if (!response.ok || !answer) {
      return say(errors, [answer && answer.error ? answer.error : `The records could not be read (error ${response.status}); nothing was added.`]);
    }
    addRows(answer);
  };

  button.addEventListener("click", async () => {
    say(errors, []);
    say(result, []);
    button.disabled = true;
    try {
      await send();
    } finally {
      button.disabled = false;
    }
  });
});
