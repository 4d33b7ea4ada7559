// An article's rows are put in order by dragging a handle (mouse, pen or touch) or with the keyboard
// (the handle focused: Up and Down arrows, Home and End), and their order numbers follow what is shown:
// 1..n, rows marked for deletion skipped. The numbers stay visible, read-only; the server still checks them.
"use strict";
(() => {
  const ORDER = "input[name$='-order']";
  let announcer;

  const announce = (text) => {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "visually-hidden";
      announcer.setAttribute("aria-live", "assertive");
      announcer.id = "row-order-status";
      document.body.append(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  };

  const groupOf = (element) => element.closest(".js-inline-admin-formset");
  const isTabular = (group) => group.dataset.inlineType === "tabular";
  const rowsOf = (group) =>
    Array.from(group.querySelectorAll(isTabular(group) ? "tbody > tr.form-row" : ".inline-related"))
      .filter((row) => !row.classList.contains("empty-form") && row.querySelector(ORDER));
  const isDeleted = (row) => Boolean(row.querySelector("input[name$='-DELETE']:checked"));
  const isNew = (row) => !row.querySelector("input[name$='-id']")?.value;
  const groupName = (group) => group.querySelector(".inline-heading")?.textContent.trim() || "rows";

  // An added row still as it came (every field at its initial value, however it was filled in: by the
  // editor or by a script such as the reference import) is left out when the form is sent, as the admin
  // leaves it out.
  const unchanged = (field) =>
    field.matches("select")
      ? [...field.options].every((option) => option.selected === option.defaultSelected)
      : field.matches("[type=checkbox], [type=radio]")
        ? field.checked === field.defaultChecked
        : field.value === field.defaultValue;
  const isUntouched = (row) =>
    row.dataset.added === "true" &&
    [...row.querySelectorAll("input:not([type=hidden]), textarea, select")]
      .filter((field) => !field.matches(`${ORDER}, [name$='-DELETE']`))
      .every(unchanged);
  const counted = (group, skipUntouched) =>
    rowsOf(group).filter((row) => !isDeleted(row) && !(skipUntouched && isUntouched(row)));

  function renumber(group, { skipUntouched = false } = {}) {
    const rows = counted(group, skipUntouched);
    group.dataset.renumbered = "true";
    rows.forEach((row, index) => {
      row.querySelector(ORDER).value = String(index + 1);
    });
    label(group);
    return rows;
  }

  function label(group) {
    const rows = counted(group, false);
    rowsOf(group).forEach((row) => {
      const handle = row.querySelector(".row-handle");
      const position = rows.indexOf(row) + 1;
      if (handle) {
        handle.setAttribute(
          "aria-label",
          position ? `Move ${groupName(group)} row ${position} of ${rows.length}` : `Move ${groupName(group)} row (deleted)`,
        );
      }
    });
  }

  // A row's errors, shown in a table row of their own above it, move with it.
  const errorsOf = (row) => (row.previousElementSibling?.classList.contains("row-form-errors") ? row.previousElementSibling : null);

  function move(row, target, after) {
    if (target === row) return false;
    const errors = errorsOf(row);
    if (after) target.after(row);
    else (errorsOf(target) || target).before(row);
    if (errors) row.before(errors);
    return true;
  }

  function announcePosition(row) {
    const rows = renumber(groupOf(row));
    const position = rows.indexOf(row) + 1;
    row.dispatchEvent(new CustomEvent("admin:changed", { bubbles: true }));
    if (position) announce(`Moved to position ${position} of ${rows.length}`);
  }

  function onKey(event) {
    const handle = event.target;
    const row = handle.closest(".form-row, .inline-related");
    const rows = rowsOf(groupOf(row));
    const index = rows.indexOf(row);
    const moves = {
      ArrowUp: () => index > 0 && move(row, rows[index - 1], false),
      ArrowDown: () => index < rows.length - 1 && move(row, rows[index + 1], true),
      Home: () => index > 0 && move(row, rows[0], false),
      End: () => index < rows.length - 1 && move(row, rows[rows.length - 1], true),
    };
    if (!moves[event.key] || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (!moves[event.key]()) return;
    handle.focus();
    handle.scrollIntoView({ block: "nearest" });
    announcePosition(row);
  }

  function onPointerDown(event) {
    if (event.button !== 0) return;
    const handle = event.currentTarget;
    const row = handle.closest(".form-row, .inline-related");
    const group = groupOf(row);
    event.preventDefault();
    const from = rowsOf(group).indexOf(row);
    row.classList.add("row-dragging");
    const follow = (moveEvent) => {
      const others = rowsOf(group).filter((other) => other !== row);
      const y = moveEvent.clientY;
      const below = others.find((other) => {
        const box = other.getBoundingClientRect();
        return y < box.top + box.height / 2;
      });
      if (below) {
        if (row.nextElementSibling !== (errorsOf(below) || below)) move(row, below, false);
      } else if (others.length && others[others.length - 1].nextElementSibling !== row) {
        move(row, others[others.length - 1], true);
      }
      if (y < 40) window.scrollBy(0, -20);
      else if (y > window.innerHeight - 40) window.scrollBy(0, 20);
    };
    // Followed on the document: moving the row in the page would release a pointer captured by its handle.
    const drop = () => {
      document.removeEventListener("pointermove", follow);
      document.removeEventListener("pointerup", drop);
      document.removeEventListener("pointercancel", drop);
      row.classList.remove("row-dragging");
      handle.focus();
      if (rowsOf(group).indexOf(row) !== from) announcePosition(row);
    };
    document.addEventListener("pointermove", follow);
    document.addEventListener("pointerup", drop);
    document.addEventListener("pointercancel", drop);
  }

  function addHandle(row) {
    const group = groupOf(row);
    if (row.querySelector(".row-handle")) return;
    const handle = document.createElement("button");
    handle.type = "button";
    handle.className = "row-handle";
    handle.title = "Drag to move this row, or press the Up and Down arrow keys";
    handle.setAttribute("aria-describedby", "row-order-help");
    handle.textContent = "⠿";
    handle.addEventListener("keydown", onKey);
    handle.addEventListener("pointerdown", onPointerDown);
    const place = isTabular(group) ? row.querySelector("td.field-order") : row.querySelector("h3");
    place.prepend(handle);
    const order = row.querySelector(ORDER);
    if (isNew(row) && !order.value) row.dataset.added = "true";
    order.readOnly = true;
    order.classList.add("row-order-number");
    order.title = "Set by the row's place: drag the handle to move it";
  }

  function setUp(group) {
    const rows = rowsOf(group);
    if (!rows.length && !group.querySelector(`.empty-form ${ORDER}`)) return;
    group.classList.add("rows-sortable");
    rows.forEach(addHandle);
    label(group);
    group.addEventListener("change", (event) => {
      if (event.target.matches("input[name$='-DELETE']")) renumber(group);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const help = document.createElement("p");
    help.id = "row-order-help";
    help.className = "visually-hidden";
    help.textContent = "Press the Up or Down arrow key to move the row, Home or End to move it first or last.";
    document.body.append(help);
    document.querySelectorAll(".js-inline-admin-formset").forEach(setUp);
    const form = document.querySelector("#content-main form[id$=_form][method=post]");
    form?.addEventListener("submit", () => {
      // Only the groups the editor changed: numbers saved with gaps stay as they are otherwise.
      document.querySelectorAll(".rows-sortable[data-renumbered=true]").forEach((group) => {
        renumber(group, { skipUntouched: true });
        rowsOf(group).filter(isUntouched).forEach((row) => { row.querySelector(ORDER).value = ""; });
      });
    });
  });

  // "Add another": the new row gets a handle and the next number.
  document.addEventListener("formset:added", (event) => {
    const row = event.target;
    const group = groupOf(row);
    if (!group?.classList.contains("rows-sortable") || !row.querySelector(ORDER)) return;
    addHandle(row);
    renumber(group);
  });

  // Removing an added row makes the admin renumber the forms' names in page order; the names must stay in
  // the order the server gave them (saved rows first), so the rows are put back in that order for it, then
  // shown again in the editor's order.
  document.addEventListener("formset:removed", (event) => {
    const group = document.getElementById(`${event.detail.formsetName}-group`);
    if (!group?.classList.contains("rows-sortable")) return;
    const shown = rowsOf(group);
    const indexOf = (row) => Number(row.id.slice(row.id.lastIndexOf("-") + 1));
    const byName = [...shown].sort((a, b) => indexOf(a) - indexOf(b));
    const anchor = shown[0];
    if (!anchor) return;
    const marker = document.createComment("rows");
    anchor.before(marker);
    byName.forEach((row) => marker.before(row));
    window.setTimeout(() => {
      shown.filter((row) => row.isConnected).forEach((row) => marker.before(row));
      marker.remove();
      renumber(group);
    }, 0);
  });
})();
