// Live preview for Markdown fields in inline rows added with "Add another":
// django-markdownx only sets up the editors present when the page loads.
"use strict";
document.addEventListener("formset:added", (event) => {
  for (const box of event.target.querySelectorAll(".markdownx")) {
    const editor = box.querySelector("textarea");
    const preview = box.querySelector(".markdownx-preview");
    if (!editor || !preview) continue;
    let timer;
    const render = () => {
      const body = new FormData();
      body.append("content", editor.value);
      body.append("csrfmiddlewaretoken", document.querySelector("[name=csrfmiddlewaretoken]").value);
      fetch(editor.dataset.markdownxUrlsPath, { method: "POST", body, credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : ""))
        .then((html) => { preview.innerHTML = html; });
    };
    editor.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(render, Number(editor.dataset.markdownxLatency) || 400);
    });
  }
});
