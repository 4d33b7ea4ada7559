import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.derivation import deriving_once
from articles.models import Article
from editorial import revisions, site_pages
from sitepages import loading


class Command(BaseCommand):
    help = (
        "First-run setup, safe to repeat: load the initial article when there is no "
        "article, load the site pages (About, Editorial policy...) the site lacks, and "
        "create an admin account when there is no superuser (its generated password is "
        "printed once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    @transaction.atomic
    def handle(self, *args, username, **options):
        if Article.objects.exists():
            self.stdout.write("Articles exist; the initial article was not loaded again.")
        else:
            with deriving_once():  # the article is derived once, after all its rows are in
                call_command("loaddata", "initial_article", verbosity=0)
            for pk in Article.objects.values_list("pk", flat=True):
                revisions.ensure_baseline(pk, comment="Loaded with the site (the initial article).")
            self.stdout.write(self.style.SUCCESS("Loaded the initial article."))
        self.load_site_pages()

        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists; no account was created.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "\nCreated the admin account. This password is shown only once:\n"
                f"    username: {username}\n"
                f"    password: {password}\n"
                f"Change it with: .venv/bin/python manage.py changepassword {username}\n"
            )
        )

    def load_site_pages(self):
        """The pages missing from the database, from their fixture; pages that exist keep their text."""
        loaded = loading.load_missing()
        for page in loaded:
            site_pages.ensure_baseline(page, comment="Loaded with the site.")
        if loaded:
            titles = ", ".join(page.title for page in loaded)
            self.stdout.write(self.style.SUCCESS(f"Loaded the site pages: {titles}."))
        else:
            self.stdout.write("The site pages exist; none was loaded again.")
