from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from editorial import portable


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
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text (byte {error.start}).") from error
        try:
            article, created = portable.load(text, path.name, dry_run=dry_run)
        except portable.ImportFailed as failed:
            count = len(failed.problems)
            raise CommandError(
                f"{path} was not imported ({count} problem{'s' if count != 1 else ''}; nothing changed):\n"
                + "\n".join(f"  {problem}" for problem in failed.problems)
            ) from failed
        verb = (
            "would create"
            if dry_run and created
            else "would update"
            if dry_run
            else "created"
            if created
            else "updated"
        )
        status = article.get_status_display().lower()
        self.stdout.write(
            self.style.SUCCESS(f"{path}: {verb} “{article.title}” ({status}) at {article.get_absolute_url()}.")
        )
