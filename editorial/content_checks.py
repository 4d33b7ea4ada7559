"""Content checks: what the admin tells editors about an article without stopping a save."""

from articles import rendering
from articles.models import META_DESCRIPTION_LIMIT

from . import readability, review


def content_warnings(article):
    """Problems worth an editor's attention that do not stop a save, as sentences."""
    warnings = []
    uncited = [ref.key for ref in article.references.all() if ref.key not in article.citations]
    if uncited:
        keys = ", ".join(uncited)
        if len(uncited) == 1:
            warnings.append(
                f"Reference {keys} is never cited: cite it with [^{keys}] in the body or an FAQ answer, or remove "
                "it. Readers see it after the cited references."
            )
        else:
            warnings.append(
                f"References {keys} are never cited: cite each with [^key] in the body or an FAQ answer, or "
                "remove them. Readers see them after the cited references."
            )
    description = article.meta_description.strip()
    if not description:
        warnings.append(
            "The meta description is missing: search engines and shared links will show the quick summary, cut short."
        )
    elif len(description) > META_DESCRIPTION_LIMIT:
        warnings.append(
            f"The meta description has {len(description)} characters; search engines cut it after "
            f"{META_DESCRIPTION_LIMIT}."
        )
    published = article.pk and article.status == article.Status.PUBLISHED
    if article.medical_reviewer_id is None:
        warnings.append(
            "No medical reviewer is chosen: choose one, then request the medical review."
            if published
            else "No medical reviewer is chosen: the article cannot be published until one has signed it off."
        )
    previous = 1  # the article's title is the page's only level-1 heading
    for level, name in rendering.render(article.body).headings:
        if level > previous + 1:
            warnings.append(
                f"The heading “{name}” is level {level} ({'#' * level}) right after level {previous}: "
                f"use {'#' * (previous + 1)} so screen reader users can follow the outline."
            )
        previous = level
    reading = readability.warning(readability.report(article))
    if reading:
        warnings.append(reading)
    if published and review.is_overdue(article):
        due = review.due_on(article)
        warnings.append(
            f"Medical review is overdue (due {due:%-d %B %Y})."
            if due
            else "No medical reviewer has signed off this article yet: its page says “Not yet medically reviewed”."
        )
    return warnings
