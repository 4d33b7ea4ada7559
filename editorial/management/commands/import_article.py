from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.models import Article
from editorial import portable
from editorial.models import Draft


class Command(BaseCommand):
    help = (
        "Create or update an article from a Markdown file with YAML front matter (as "
        "export_article writes). Everything is checked first; a bad file changes nothing "
        "and each problem is reported with its line and field."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            with path.open("rb") as opened:
                data = opened.read(portable.MAX_FILE_SIZE + 1)  # enough to tell that a file is too large
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        waiting = dict(Draft.objects.values_list("article_id", "saved_at"))
        try:
            article, created = portable.load(portable.decoded(data, path.name), path.name, dry_run=dry_run)
        except portable.ImportFailed as failed:
            raise CommandError(not_imported(path, failed.problems)) from None
        self.stdout.write(self.style.SUCCESS(f"{path}: {outcome(article, created, dry_run, waiting)}"))


SHOWN = 100  # problems listed at most; a file with more has more to fix than a list helps with


def not_imported(path, problems):
    count = len(problems)
    lines = [f"  {problem}" for problem in problems[:SHOWN]]
    if count > SHOWN:
        lines.append(f"  ... and {count - SHOWN} more.")
    head = f"{path} was not imported ({count} problem{'s' if count != 1 else ''}; nothing changed):"
    return "\n".join([head, *lines])


def outcome(article, created, dry_run, waiting):
    """What the import did (or would do), and what readers see of it."""
    where = f"“{article.title}” at {article.get_absolute_url()}"
    if created:
        verb = "would create" if dry_run else "created"
        return f"{verb} {where} as a draft: it is published once its medical reviewer has signed it off here."
    verb = "would update" if dry_run else "updated"
    if article.status != Article.Status.PUBLISHED:
        return f"{verb} {where} ({article.get_status_display().lower()})."
    message = (
        f"{verb} the draft of {where}: readers see the published version until the draft is signed off and published."
    )
    if article.pk in waiting:
        replaced = "would replace" if dry_run else "replaced"
        saved = timezone.localtime(waiting[article.pk])
        message += (
            f" The file {replaced} the draft saved {saved:%-d %B %Y, %H:%M}, which stays in the article's history."
        )
    return message
