// The article form's previews (editorial/preview.py).
// - The body's preview shows the body as readers will see it, the chart and tables at their markers
//   built from the rows as typed, with the errors Save would give above it: the whole form is sent
//   when the editor starts work in it and a moment after each change, and the answer replaces what
//   the preview shows.
// - Preview opens the article page built from the form as it stands in a new tab, without saving.
"use strict";
(() => {
  const DELAY = 600; // ms after the last change
  const TOO_MANY = "Too many previews in a short while: the preview catches up in a moment.";
  const FAILED = "The preview could not be updated; your text is safe. It tries again on your next change.";

  // The form's fields as Save sends them, but for files (not previewed): a picker's chosen topics are
  // all sent, as the admin's own script does on submit.
  function formData(form) {
    const data = new FormData(form);
    for (const [name, value] of [...data]) {
      if (typeof value !== "string") data.delete(name);
    }
    for (const chosen of form.querySelectorAll("select.filtered[multiple][id$='_to']")) {
      data.delete(chosen.name);
      for (const option of chosen.options) data.append(chosen.name, option.value);
    }
    return data;
  }

  function errorBox() {
    const box = document.createElement("div");
    box.className = "article-live-preview__errors";
    box.setAttribute("role", "alert");
    box.hidden = true;
    const heading = document.createElement("p");
    heading.textContent = "Save would refuse this:";
    box.append(heading, document.createElement("ul"));
    return box;
  }

  function showErrors(box, messages) {
    const list = box.querySelector("ul");
    list.replaceChildren(
      ...messages.map((message) => {
        const item = document.createElement("li");
        item.textContent = message;
        return item;
      }),
    );
    box.hidden = messages.length === 0;
  }

  // The body's preview is markdownx's own pane, which markdownx still fills with the Markdown alone: once
  // this preview has answered, its content is put back each time (in the same task, so it never shows).
  function livePane(editor) {
    const parent = editor.closest(".markdownx");
    const pane = parent.querySelector(".markdownx-preview");
    pane.classList.add("article-live-preview");
    const errors = errorBox();
    const body = document.createElement("div");
    body.className = "article-live-preview__body";
    let answered = false;
    const show = () => {
      if (answered) pane.replaceChildren(errors, body);
    };
    parent.addEventListener("markdownx.update", show);
    return {
      pane,
      errors,
      body,
      shown() {
        answered = true;
        show();
      },
      failed() {
        if (answered) show();
        else pane.prepend(errors); // above markdownx's rendering until this preview answers
      },
    };
  }

  function startLivePreview(form, url) {
    const editor = form.querySelector("textarea[name='body']");
    if (!editor || !editor.closest(".markdownx")) return;
    const view = livePane(editor);
    let timer = null;
    let sent = 0;
    let shown = 0;
    const update = async () => {
      timer = null;
      const number = ++sent;
      view.pane.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(url, { method: "POST", body: formData(form), credentials: "same-origin" });
        if (number < shown) return; // an answer to a later request is already shown
        shown = number;
        if (response.ok) {
          const answer = await response.json();
          view.body.innerHTML = answer.html; // sanitised by the server's renderer, escaped by its templates
          showErrors(view.errors, answer.errors);
          view.shown();
        } else if (response.status === 400) {
          showErrors(view.errors, [await response.text()]);
          view.failed();
        } else {
          showErrors(view.errors, [response.status === 429 ? TOO_MANY : FAILED]);
          view.failed();
        }
      } catch {
        showErrors(view.errors, [FAILED]);
        view.failed();
      } finally {
        if (number === sent && !timer) view.pane.removeAttribute("aria-busy");
      }
    };
    // Busy from the first change until the answer to the last one is shown.
    const later = () => {
      view.pane.setAttribute("aria-busy", "true");
      clearTimeout(timer);
      timer = setTimeout(update, DELAY);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // Rows added or removed with the inline's buttons change the form without an input event.
    document.addEventListener("formset:added", later);
    document.addEventListener("formset:removed", later);
    // An image dropped or pasted into the body is inserted by markdownx without an input event.
    editor.closest(".markdownx").addEventListener("markdownx.fileUploadEnd", later);
    // Drawn once the editor starts work in the form (until then, markdownx's rendering of the
    // Markdown alone); none is sent once the form is being saved.
    form.addEventListener("focusin", update, { once: true });
    form.addEventListener("submit", () => {
      clearTimeout(timer);
      timer = null;
    });
  }

  // Sends the form as it stands to the preview in a new tab, through a form of its own: the article's
  // form is not submitted, so it still counts as unsaved (admin-unsaved.js) and nothing is saved.
  function openPreview(form, url) {
    const sending = document.createElement("form");
    sending.method = "post";
    sending.action = url;
    sending.target = "_blank";
    sending.hidden = true;
    for (const [name, value] of formData(form)) {
      const field = document.createElement("textarea"); // keeps line breaks as typed
      field.name = name;
      field.value = value;
      sending.append(field);
    }
    document.body.append(sending);
    sending.submit();
    sending.remove();
  }

  // markdownx's own preview of the body, which the live preview replaces, is put off for ever rather
  // than sent on every pause (and counted against the same rate limit): its delay is read when
  // markdownx sets the editor up, on DOMContentLoaded, which comes after the document turns "interactive".
  if (document.readyState === "loading") {
    document.addEventListener(
      "readystatechange",
      () => {
        const editor = document.querySelector("#article_form .markdownx textarea[name='body']");
        if (editor && !editor.hasAttribute("data-markdownx-init")) {
          editor.setAttribute("data-markdownx-latency", String(2 ** 31 - 1));
        }
      },
      { once: true },
    );
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("#content-main form#article_form[method=post]");
    if (!form) return;
    const buttons = form.querySelectorAll("button.article-preview-button[formaction]");
    for (const button of buttons) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        openPreview(form, button.formAction);
      });
    }
    const live = buttons.length ? buttons[0].dataset.liveUrl : null;
    if (live) startLivePreview(form, live);
  });
})();
