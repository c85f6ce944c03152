"""The embedding tasks: thin, idempotent (a row already embedded from the same text and model
is skipped), on MEANING_QUEUE (`gpu` on a site with a GPU worker)."""

from celery import shared_task

from meaning import services


@shared_task(name="meaning.embed_pending", acks_late=True)
def embed_pending(*, items: list[list] | None = None) -> int:
    """Embeds the rows a transaction saved (`items`: [kind, id] pairs), or with none given the
    stale ones (a new model), then refreshes the index file when it has fallen behind."""
    if items is None:
        computed = services.embed_pending()
    else:
        computed = services.embed_items((kind, pk) for kind, pk in items)
    services.refresh_index()
    return computed
