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
      // A refusal leaves the last preview and is reported on the editor's box ("markdown:refused").
      const refused = (detail) => box.dispatchEvent(new CustomEvent("markdown:refused", { detail }));
      fetch(editor.dataset.markdownxUrlsPath, { method: "POST", body, credentials: "same-origin" })
        .then((response) => response.text().then((text) => {
          if (response.ok) preview.innerHTML = text;
          else refused({ status: response.status, text });
        }))
        .catch(() => refused({ status: 0, text: "" }));
    };
    editor.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(render, Number(editor.dataset.markdownxLatency) || 400);
    });
  }
});
