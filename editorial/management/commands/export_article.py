from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from editorial import portable


class Command(BaseCommand):
    help = (
        "Write an article (any status) as one Markdown file with YAML front matter holding "
        "its metadata, contributors, topics and every row. import_article reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "-o",
            "--output",
            help="Where to write: a file path, or - for standard output. Default: SLUG.md here.",
        )

    def handle(self, *args, slug, output, **options):
        article = Article.objects.for_detail().filter(slug=slug).first()
        if article is None:
            raise CommandError(f"No article has the slug {slug!r}.")
        text = portable.dump(article)
        if output == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(output or f"{slug}.md")
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(text.encode())} bytes)."))
