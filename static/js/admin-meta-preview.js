// Under the meta description: its length against the limit search engines keep, and the article as a search
// result and as a shared card would show it, updated as the editor types. The limit, the site's name and
// address and the card's image come from the field's data attributes (editorial.forms.sharing_preview_attrs).
"use strict";
(() => {
  const squash = (text) => text.replace(/\s+/g, " ").trim();

  // As Article.description: the meta description, or the quick summary cut at a word to fit.
  function description(meta, summary, limit) {
    const text = squash(meta) || squash(summary);
    if (text.length <= limit) return text;
    const cut = text.slice(0, limit - 1);
    const space = cut.lastIndexOf(" ");
    return (space > 0 ? cut.slice(0, space) : cut).replace(/[,;:.]+$/, "") + "…";
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function build(input) {
    const counter = element("p", "meta-counter");
    counter.id = `${input.id}_counter`;
    counter.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${counter.id}`.trim());

    const previews = element("div", "share-previews");
    const search = element("figure", "search-preview");
    const searchCaption = element("figcaption", "share-previews__caption", "In search results");
    const searchUrl = element("div", "search-preview__url");
    const searchTitle = element("div", "search-preview__title");
    const searchText = element("div", "search-preview__description");
    search.append(searchCaption, searchUrl, searchTitle, searchText);

    const card = element("figure", "social-preview");
    const cardCaption = element("figcaption", "share-previews__caption", "When shared");
    const image = element("img", "social-preview__image");
    image.alt = "";
    image.hidden = !input.dataset.image;
    if (input.dataset.image) image.src = input.dataset.image;
    const cardBody = element("div", "social-preview__body");
    const cardSite = element("div", "social-preview__site");
    const cardTitle = element("div", "social-preview__title");
    const cardText = element("div", "social-preview__description");
    cardBody.append(cardSite, cardTitle, cardText);
    card.append(cardCaption, image, cardBody);
    previews.append(search, card);

    const help = input.closest(".form-row").querySelector(".help") || input;
    help.after(counter, previews);
    return { counter, searchUrl, searchTitle, searchText, cardSite, cardTitle, cardText };
  }

  function setUp(input) {
    const limit = Number(input.dataset.limit);
    const field = (name) => document.getElementById(`id_${name}`);
    const view = build(input);
    const siteName = input.dataset.siteName || "";
    const siteUrl = input.dataset.siteUrl || window.location.origin;

    const update = () => {
      const length = [...input.value].length;
      view.counter.textContent = `${length} / ${limit} characters`;
      view.counter.classList.toggle("meta-counter--over", length > limit);
      if (length > limit) view.counter.textContent += `: ${length - limit} over, search engines cut the rest`;

      const title = squash(field("title")?.value || "");
      const subtitle = squash(field("subtitle")?.value || "");
      const slug = squash(field("slug")?.value || "") || "…";
      const text = description(input.value, field("summary")?.value || "", limit);
      const shown = text || "No description yet: write one, or a quick summary.";
      view.searchUrl.textContent = siteUrl.replace(/^https?:\/\//, "") + (input.dataset.articlePath || "/").replace("slug-here", slug);
      view.searchTitle.textContent = `${[title, subtitle].filter(Boolean).join(" ") || "Untitled"} · ${siteName}`;
      view.searchText.textContent = shown;
      view.cardSite.textContent = siteName;
      view.cardTitle.textContent = title || "Untitled";
      view.cardText.textContent = shown;
      view.searchText.classList.toggle("share-previews--empty", !text);
      view.cardText.classList.toggle("share-previews--empty", !text);
    };
    for (const name of ["meta_description", "title", "subtitle", "slug", "summary"]) {
      field(name)?.addEventListener("input", update);
    }
    // The slug is filled in from the title by the admin's own script, which sends no event.
    field("title")?.addEventListener("keyup", () => window.setTimeout(update, 0));
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[name=meta_description][data-limit]").forEach(setUp);
  });
})();
