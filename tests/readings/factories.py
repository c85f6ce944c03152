import factory

from readings import services
from readings.models import Highlight, Note, Reading
from tests.sessions.factories import UserFactory
from tracker.markdown import render_markdown


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reading

    slug = factory.Sequence(lambda n: f"reading-{n}")
    title = factory.Sequence(lambda n: f"Reading {n}")
    kind = "paper"
    url = factory.Sequence(lambda n: f"https://example.org/articles/{n}")
    year = 2020


class HighlightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Highlight

    author = factory.SubFactory(UserFactory)
    reading = factory.SubFactory(ReadingFactory)
    phrase = factory.Sequence(lambda n: f"a phrase to find {n}")
    visibility = "private"


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    author = factory.SubFactory(UserFactory)
    reading = factory.SubFactory(ReadingFactory)
    body = factory.Sequence(lambda n: f"Note text {n}")
    body_html = factory.LazyAttribute(lambda note: render_markdown(note.body))
    visibility = "private"


class GlossaryTermFactory(factory.Factory):
    """Terms go through the service, so names, aliases and the first revision exist."""

    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Term {n}")
    definition = "A definition."
    level = 2
    aliases = ()
    author = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.term_create(**kwargs)

    _build = _create
