"""`manage.py embed`: recompute stale embeddings (a new model); `--all` embeds every row that
has none or a stale one (a backfill), with a progress bar; `--index` rebuilds the index file."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from meaning import services


class Command(BaseCommand):
    help = "Compute the embeddings that are missing or stale, and the index file."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every row, not only stale ones.")
        parser.add_argument("--index", action="store_true", help="Rebuild the index file.")

    def handle(self, *args, all: bool, index: bool, **options):
        if all:
            with tqdm(total=services.rows_to_embed_count(), unit="row", file=self.stderr) as bar:
                computed = services.backfill(progress=bar.update)
        else:
            computed = 0
            while batch := services.embed_pending():
                computed += batch
        rebuilt = services.refresh_index(force=index)
        self.stdout.write(
            f"{computed} embedding(s) computed" + ("; index rebuilt." if rebuilt else ".")
        )
