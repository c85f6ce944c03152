"""One embedding per searchable row: the vector of its text, and what made it.

The database holds the vectors (the source of truth); the nearest-neighbour index on disk is
built from them and can always be rebuilt. A row is stale when its text changed (`text_hash`)
or the model did (`model_name`, `model_version`): `services.embed_pending` recomputes it.
"""

import numpy as np
from django.db import models
from django.db.models import Q


class Embedding(models.Model):
    # What the vector is of: a kind name (`meaning.kinds.KINDS`) and the row's id. Not a
    # foreign key: six tables, and a deleted row's embedding is removed by a signal (and is
    # never shown meanwhile: results pass through the kinds' visibility selectors).
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    # Not null: the vector of `text_hash` by that model. Null: waiting to be (re)computed.
    vector = models.BinaryField(null=True)
    model_name = models.CharField(max_length=120, blank=True)
    model_version = models.CharField(max_length=60, blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    # Who may see it, besides the visibility selector: the author when only the author may
    # (a private reflection, note or highlight). The exact search leaves others' private rows
    # out before ranking; the selectors still decide.
    private_to_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="embedding_one_per_row"),
            models.CheckConstraint(
                condition=Q(vector__isnull=True) | ~Q(model_name=""),
                name="embedding_vector_names_its_model",
            ),
        ]
        indexes = [models.Index(fields=["kind", "updated_at"], name="embedding_kind_updated")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"

    def as_array(self) -> np.ndarray:
        return np.frombuffer(self.vector, dtype=np.float32)
