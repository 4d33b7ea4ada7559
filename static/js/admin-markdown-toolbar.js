// A formatting toolbar above each Markdown editor, with Ctrl/Cmd+B, +I and +K, and a "Markdown help" panel;
// images uploaded by dropping or pasting them land on a line of their own with their alt text to write, and
// a refused upload or preview says why under the editor.
"use strict";
(() => {
  const MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  const MOD = MAC ? "⌘" : "Ctrl+";
  const IMAGE_ALT = "Describe the image";

  // Text is put in through the browser's editing commands where it has them, so Undo takes it back;
  // an "input" event follows either way, which the live preview and the unsaved-changes warning hear.
  function replaceSelection(editor, text, selectFrom, selectTo) {
    const start = editor.selectionStart;
    editor.focus();
    let done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || editor.value.slice(start, start + text.length) !== text) {
      editor.setRangeText(text, start, editor.selectionEnd, "end");
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (selectFrom !== undefined) editor.setSelectionRange(start + selectFrom, start + (selectTo ?? selectFrom));
  }

  function wrap(editor, before, after, placeholder) {
    const selected = editor.value.slice(editor.selectionStart, editor.selectionEnd);
    const inner = selected || placeholder;
    replaceSelection(editor, before + inner + after, before.length, before.length + inner.length);
  }

  // Whole lines: from the start of the first selected line to the end of the last.
  function selectLines(editor) {
    const { value } = editor;
    const start = value.lastIndexOf("\n", editor.selectionStart - 1) + 1;
    let end = value.indexOf("\n", editor.selectionEnd);
    if (end === -1 || (editor.selectionEnd > editor.selectionStart && value[editor.selectionEnd - 1] === "\n")) {
      end = end === -1 ? value.length : editor.selectionEnd - 1;
    }
    editor.setSelectionRange(start, end);
    return value.slice(start, end);
  }

  function prefixLines(editor, prefix, placeholder) {
    const lines = selectLines(editor);
    if (!lines) {
      replaceSelection(editor, prefix + placeholder, prefix.length, prefix.length + placeholder.length);
      return;
    }
    const text = lines.split("\n").map((line) => (line.startsWith(prefix) ? line : prefix + line.replace(/^#+\s*/, ""))).join("\n");
    replaceSelection(editor, text, 0, text.length);
  }

  // A block of its own: a blank line before and after it, whatever surrounds the cursor.
  function insertBlock(editor, block, selectFrom, selectTo) {
    const { value } = editor;
    const start = editor.selectionStart;
    const end = editor.selectionEnd;
    const before = value.slice(0, start);
    const after = value.slice(end);
    const lead = before === "" ? "" : before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    const text = lead + block + trail;
    const from = selectFrom === undefined ? lead.length + block.length : lead.length + selectFrom;
    const to = selectTo === undefined ? from : lead.length + selectTo;
    replaceSelection(editor, text, from, to);
  }

  function insertImage(editor, url) {
    const code = `![${IMAGE_ALT}](${url})`;
    insertBlock(editor, code, 2, 2 + IMAGE_ALT.length);
  }

  const blockLabel = (name) => {
    const words = name.replace(/-/g, " ");
    return words[0].toUpperCase() + words.slice(1);
  };

  function actions(editor) {
    const list = [
      { name: "bold", text: "B", label: "Bold", key: "b", run: () => wrap(editor, "**", "**", "bold text") },
      { name: "italic", text: "I", label: "Italic", key: "i", run: () => wrap(editor, "_", "_", "italic text") },
      { name: "link", text: "Link", label: "Link", key: "k", run: () => link(editor) },
      { name: "heading", text: "H2", label: "Section heading (##)", run: () => prefixLines(editor, "## ", "Heading") },
      { name: "list", text: "• List", label: "Bulleted list", run: () => prefixLines(editor, "- ", "Item") },
      { name: "citation", text: "[^]", label: "Citation: type the reference's key or number", run: () => wrap(editor, "[^", "]", "") },
      { name: "image", text: "Image", label: "Image with its description", run: () => image(editor) },
    ];
    for (const block of (editor.dataset.markdownBlocks || "").split(/\s+/).filter(Boolean)) {
      list.push({
        name: `block-${block}`,
        text: `[[${block}]]`,
        label: `Place the ${blockLabel(block).toLowerCase()} table here ([[${block}]] on a line of its own)`,
        run: () => insertBlock(editor, `[[${block}]]`),
      });
    }
    return list;
  }

  function link(editor) {
    const selected = editor.value.slice(editor.selectionStart, editor.selectionEnd);
    const text = selected || "link text";
    const code = `[${text}](https://)`;
    // The address is what is left to type when there is text; otherwise the text.
    if (selected) replaceSelection(editor, code, text.length + 3, code.length - 1);
    else replaceSelection(editor, code, 1, 1 + text.length);
  }

  function image(editor) {
    const url = window.prompt("The image's address (or drop an image file into the text to upload it):", "https://");
    if (url === null || !url.trim() || url.trim() === "https://") {
      editor.focus();
      return;
    }
    const alt = window.prompt("Describe the image for readers who cannot see it:", "");
    if (alt && alt.trim()) insertBlock(editor, `![${alt.trim().replace(/[[\]]/g, "")}](${url.trim()})`);
    else insertImage(editor, url.trim());
  }

  function toolbarFor(editor) {
    const bar = document.createElement("div");
    bar.className = "markdown-toolbar";
    bar.setAttribute("role", "group");
    const field = editor.closest(".form-row")?.querySelector("label")?.textContent.replace(/:$/, "").trim();
    bar.setAttribute("aria-label", `Formatting${field ? ` for ${field}` : ""}`);
    const shortcuts = {};
    for (const action of actions(editor)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `markdown-toolbar__button markdown-toolbar__button--${action.name}`;
      button.textContent = action.text;
      const label = action.key ? `${action.label} (${MOD}${action.key.toUpperCase()})` : action.label;
      button.title = label;
      button.setAttribute("aria-label", label);
      if (action.key) {
        button.setAttribute("aria-keyshortcuts", `${MAC ? "Meta" : "Control"}+${action.key.toUpperCase()}`);
        shortcuts[action.key] = action.run;
      }
      button.addEventListener("click", () => action.run());
      bar.append(button);
    }
    bar.append(helpPanel(editor));
    editor.addEventListener("keydown", (event) => {
      if (!(MAC ? event.metaKey : event.ctrlKey) || event.altKey || event.shiftKey) return;
      const run = shortcuts[event.key.toLowerCase()];
      if (!run) return;
      event.preventDefault();
      run();
    });
    return bar;
  }

  const HELP = [
    ["## Section heading", "A section (### for a subsection); the contents list is built from the ## headings. No # headings: the title is the page's one."],
    ["**bold**  _italic_", "Bold and italic text."],
    ["- item", "A bulleted list (1. for a numbered one); a blank line before the list."],
    ["[words](https://example.org)", "A link."],
    ["[^castiglioni2013]", "A citation, after the sentence's full stop, by the reference's key (at the top of its row); several at once as [^castiglioni2013,orchard2014]. Numbers are given by first citation."],
    ["![What the image shows](address)", "An image: always describe it in the brackets, for readers who cannot see it. Drop or paste an image file into the text to upload it."],
    ["| Food | mg |\n| --- | --- |\n| Almonds | 80 |", "A table: a header row, a line of dashes, then the rows."],
  ];

  function helpPanel(editor) {
    const details = document.createElement("details");
    details.className = "markdown-help";
    const summary = document.createElement("summary");
    summary.textContent = "Markdown help";
    const list = document.createElement("dl");
    const rows = [...HELP];
    const blocks = (editor.dataset.markdownBlocks || "").split(/\s+/).filter(Boolean);
    if (blocks.length) {
      rows.push([blocks.map((b) => `[[${b}]]`).join("\n"), "On a line of its own: where that table goes in the body (otherwise it follows the body)."]);
    }
    for (const [code, text] of rows) {
      const term = document.createElement("dt");
      const sample = document.createElement("code");
      sample.textContent = code;
      term.append(sample);
      const description = document.createElement("dd");
      description.textContent = text;
      list.append(term, description);
    }
    details.append(summary, list);
    return details;
  }

  // Under the editor and its preview, outside their grid.
  function statusFor(box) {
    let status = box.nextElementSibling;
    if (!status?.classList.contains("markdown-status")) {
      status = document.createElement("p");
      status.className = "markdown-status";
      status.setAttribute("role", "alert");
      status.hidden = true;
      box.after(status);
    }
    return status;
  }

  function say(box, message) {
    const status = statusFor(box);
    status.textContent = message;
    status.hidden = !message;
  }

  // What the server said when it refused: its message (400), its errors by field (JSON), or by status.
  async function refusal(response) {
    if (response.status === 413) return "The image is too large to upload.";
    if (response.status === 429) return "Too many requests in a short time: wait a minute, then try again.";
    if (response.status === 403) return "You are signed out or may not upload images: sign in again in another tab.";
    const text = await response.text();
    try {
      const errors = JSON.parse(text);
      const messages = Object.values(errors).flat().map((m) => (typeof m === "string" ? m : m.message));
      if (messages.length) return messages.join(" ");
    } catch (error) {
      // a plain-text message
    }
    const plain = text.trim();
    return plain && plain.length < 300 && !plain.startsWith("<") ? plain : `The server refused it (${response.status}).`;
  }

  async function upload(box, editor, file) {
    say(box, "");
    editor.classList.add("markdown-uploading");
    const body = new FormData();
    body.append("image", file);
    body.append("csrfmiddlewaretoken", document.querySelector("[name=csrfmiddlewaretoken]")?.value || "");
    try {
      const response = await fetch(editor.dataset.markdownxUploadUrlsPath, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      if (!response.ok) {
        say(box, `The image was not uploaded: ${await refusal(response)}`);
        return;
      }
      const data = await response.json();
      const url = /\]\(([^)\s]+)\)/.exec(data.image_code || "")?.[1] || data.image_path;
      if (!url) {
        say(box, "The image was not uploaded: the server's answer had no address.");
        return;
      }
      insertImage(editor, url);
      box.dispatchEvent(new CustomEvent("markdownx.fileUploadEnd", { detail: [data] }));
    } catch (error) {
      say(box, "The image was not uploaded: the server could not be reached.");
    } finally {
      editor.classList.remove("markdown-uploading");
    }
  }

  // Dropped and pasted files are uploaded here rather than by django-markdownx, which glues an image with
  // no description to the next line and says nothing when the server refuses it.
  function takeOverUploads(box, editor) {
    const filesOf = (transfer) => Array.from(transfer?.files || []);
    const take = (event, transfer) => {
      const files = filesOf(transfer);
      if (event.target !== editor || !files.length) return;
      event.preventDefault();
      event.stopPropagation();
      if (event.type === "drop" && document.caretPositionFromPoint) {
        const caret = document.caretPositionFromPoint(event.clientX, event.clientY);
        if (caret?.offsetNode === editor) editor.setSelectionRange(caret.offset, caret.offset);
      }
      files.reduce((previous, file) => previous.then(() => upload(box, editor, file)), Promise.resolve());
    };
    box.addEventListener("drop", (event) => take(event, event.dataTransfer), true);
    box.addEventListener("paste", (event) => take(event, event.clipboardData), true);
  }

  // The preview's requests are django-markdownx's, which show whatever the server answered, refusals
  // included, and say nothing else: a refused one is reported under its editor ("markdown:refused", which
  // the rows' own preview sends too) and the last preview that rendered is put back.
  function watchPreviewRefusals() {
    const open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (method, url, ...rest) {
      const editor = document.activeElement?.matches?.("textarea.markdownx-editor") ? document.activeElement : lastEdited;
      if (editor && String(url) === editor.dataset.markdownxUrlsPath) {
        this.addEventListener("loadend", () => {
          const box = editor.closest(".markdownx");
          const preview = box?.querySelector(".markdownx-preview");
          if (!preview) return;
          if (this.status > 0 && this.status < 400) {
            rendered.set(preview, preview.innerHTML);
            return;
          }
          preview.innerHTML = rendered.get(preview) || "";
          const detail = { status: this.status, text: this.responseText };
          box.dispatchEvent(new CustomEvent("markdown:refused", { detail }));
        });
      }
      return open.call(this, method, url, ...rest);
    };
  }

  const rendered = new WeakMap();
  let lastEdited = null;

  function setUp(box) {
    const editor = box.querySelector("textarea.markdownx-editor");
    if (!editor || box.querySelector(".markdown-toolbar")) return;
    box.prepend(toolbarFor(editor));
    takeOverUploads(box, editor);
    editor.addEventListener("input", () => {
      lastEdited = editor;
    });
    box.addEventListener("markdownx.update", () => {
      if (statusFor(box).textContent.startsWith("The preview")) say(box, "");
    });
    box.addEventListener("markdown:refused", (event) => {
      const { status, text } = event.detail;
      const response = status ? new Response(text, { status }) : null;
      const message = response ? refusal(response) : Promise.resolve("the server could not be reached.");
      message.then((reason) => say(box, `The preview is not up to date: ${reason}`));
    });
  }

  watchPreviewRefusals();
  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll(".markdownx").forEach(setUp));
  document.addEventListener("formset:added", (event) => event.target.querySelectorAll(".markdownx").forEach(setUp));
})();
