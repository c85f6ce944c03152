import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from readings import services as reading_services
from sessions import services
from sessions.exports import journal_markdown
from sessions.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return User.objects.get(username="member"), User.objects.get(username="organizer")


def test_a_members_journal_lists_their_reflections_in_session_order(demo):
    member, _ = demo
    course = Course.objects.get(slug="ai-safety-alignment")
    text = journal_markdown(course=course, user=member)
    assert text.startswith("# AI Safety Fundamentals: Alignment\n")
    positions = [text.index(f"## Session {n}:") for n in range(1, 12)]
    assert positions == sorted(positions)
    assert "Dictionary learning is remarkable" in text
    assert "### Reflection (sessions 8 to 11)" in text
    assert "## Glossary" in text and "**Superposition**" in text


def test_the_public_journal_shows_public_reflections_only(demo):
    member, _ = demo
    course = Course.objects.get(slug="interpretability-reading-group")
    session = course.sessions.get(number=1)
    services.reflection_save(author=member, session=session, body="Out loud", visibility="public")
    other = course.sessions.get(number=2)
    services.reflection_save(author=member, session=other, body="Kept to me", visibility="private")
    reading_services.note_save(
        author=member, session=session, body="Private note", visibility="private"
    )
    text = journal_markdown(course=course, public_only=True)
    assert "Out loud" in text and "by Max Member" in text
    assert "Kept to me" not in text and "Private note" not in text


def test_another_members_journal_never_contains_my_private_writing(demo):
    _member, organizer = demo
    course = Course.objects.get(slug="ai-safety-alignment")
    text = journal_markdown(course=course, user=organizer)
    assert "Dictionary learning is remarkable" not in text


def test_a_members_highlights_appear_with_deep_links(demo):
    member, _ = demo
    course = Course.objects.get(slug="interpretability-reading-group")
    text = journal_markdown(course=course, user=member)
    assert "## Highlights" in text
    assert "#:~:text=Making%20sense%20of%20these" in text
