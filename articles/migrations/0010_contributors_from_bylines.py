"""Turn the text bylines into Contributor rows, keeping every name as it read.

"Ana Ruiz, MD" becomes the contributor Ana Ruiz with the credentials MD, so the
byline prints the same words. A name that reviewed any article is a medical
reviewer; a name ending in Team, Board, Staff and the like is an organization.
"""

import re

from django.db import migrations
from django.utils.text import slugify

CREDENTIAL = re.compile(r"^[A-Z][A-Za-z.]{1,9}$")
GROUP_NAME = re.compile(r"\b(team|board|staff|editors|committee|desk)$", re.I)


def split_credentials(text):
    """("Ana Ruiz", "MD, MPH") from "Ana Ruiz, MD, MPH"; the whole text when nothing trails."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    cut = len(parts)
    while cut > 1 and CREDENTIAL.match(parts[cut - 1]) and sum(c.isupper() for c in parts[cut - 1]) >= 2:
        cut -= 1
    return ", ".join(parts[:cut]), ", ".join(parts[cut:])


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Contributor = apps.get_model("articles", "Contributor")
    bylines = list(Article.objects.values_list("pk", "author", "medical_reviewer"))
    reviewers = {" ".join(reviewer.split()) for _, _, reviewer in bylines if reviewer.strip()}
    found = {}

    def contributor(text):
        text = " ".join(text.split())
        if text not in found:
            name, credentials = split_credentials(text)
            base = slugify(name)[:110] or "contributor"
            slug, n = base, 1
            while Contributor.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            found[text] = Contributor.objects.create(
                name=name,
                slug=slug,
                credentials=credentials,
                role="medical_reviewer" if text in reviewers else "writer",
                kind="organization" if GROUP_NAME.search(name) else "person",
            )
        return found[text]

    for pk, author, reviewer in bylines:
        Article.objects.filter(pk=pk).update(
            writer=contributor(author or "Unknown"),
            reviewer=contributor(reviewer) if reviewer.strip() else None,
        )


def backwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.select_related("writer", "reviewer"):

        def text(c):
            return f"{c.name}, {c.credentials}" if c and c.credentials else (c.name if c else "")

        Article.objects.filter(pk=article.pk).update(
            author=text(article.writer), medical_reviewer=text(article.reviewer)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_contributors"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
