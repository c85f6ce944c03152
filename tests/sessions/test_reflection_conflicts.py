"""The reflection page when someone saved the reflection meanwhile (another tab, another
device): both texts are shown, nothing is saved until the person saves again."""

import pytest
from django.test import Client
from django.urls import reverse

from sessions import services
from sessions.models import Reflection
from tests.concurrent import run_at_once
from tests.sessions.factories import MembershipFactory, SessionFactory
from tests.sessions.factories import ReflectionFactory as BareReflectionFactory


def ReflectionFactory(**fields) -> Reflection:
    """A reflection by a member of the session's course, who may open its page."""
    reflection = BareReflectionFactory(**fields)
    MembershipFactory(course=reflection.session.course, user=reflection.author)
    return reflection


def edit_url(reflection) -> str:
    session = reflection.session
    return reverse(
        "reflection_edit", kwargs={"slug": session.course.slug, "number": session.number}
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_reflection_form_carries_the_version_it_was_loaded_from(client):
    reflection = ReflectionFactory()
    services.reflection_update(reflection=reflection, body="second save")
    client.force_login(reflection.author)
    html = client.get(edit_url(reflection)).content.decode()
    assert 'name="version" value="2"' in html


@pytest.mark.django_db
def test_a_save_over_a_newer_version_shows_both_texts_and_saves_nothing(client):
    reflection = ReflectionFactory(body="the first text", visibility="course")
    services.reflection_update(reflection=reflection, body="their newer text")  # version 2
    client.force_login(reflection.author)
    mine = {"body": "my own text", "visibility": "private", "version": "1"}
    response = client.post(edit_url(reflection), mine)
    html = response.content.decode()
    assert response.status_code == 200
    assert "their newer text" in html and "my own text" in html
    assert "Someone else saved a newer version" in html
    assert 'name="version" value="2"' in html  # saving again now keeps mine, on purpose
    reflection.refresh_from_db()
    assert (reflection.body, reflection.visibility) == ("their newer text", "course")

    again = client.post(edit_url(reflection), {**mine, "version": "2"})
    assert again.status_code == 302
    reflection.refresh_from_db()
    assert (reflection.body, reflection.visibility, reflection.version) == (
        "my own text",
        "private",
        3,
    )


@pytest.mark.django_db
def test_a_reflection_written_meanwhile_in_another_tab_is_not_overwritten(client):
    reflection = ReflectionFactory(body="written in the other tab")
    client.force_login(reflection.author)
    # This tab loaded the empty form (version 0) before the other tab saved.
    response = client.post(
        edit_url(reflection), {"body": "this tab", "visibility": "private", "version": "0"}
    )
    assert response.status_code == 200 and "written in the other tab" in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.body == "written in the other tab"


@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_the_same_version_at_once_never_both_succeed():
    reflection = ReflectionFactory(body="original")
    tabs = [signed_in(reflection.author), signed_in(reflection.author)]
    url = edit_url(reflection)
    answers = run_at_once(
        *(
            lambda tab=tab, text=text: tab.post(
                url, {"body": text, "visibility": "private", "version": "1"}
            )
            for tab, text in zip(tabs, ["tab one", "tab two"], strict=True)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 302]
    kept = next(a for a in answers if a.status_code == 200).content.decode()
    reflection.refresh_from_db()
    saved = reflection.body
    other = {"tab one", "tab two"} - {saved}
    # The refused tab shows the saved text and still holds its own.
    assert saved in kept and other.pop() in kept
    assert Reflection.objects.get(pk=reflection.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_two_tabs_writing_the_first_reflection_at_once_keep_both_texts():
    membership = MembershipFactory()
    session = SessionFactory(course=membership.course)
    url = reverse("reflection_edit", kwargs={"slug": session.course.slug, "number": session.number})
    tabs = [signed_in(membership.user), signed_in(membership.user)]
    answers = run_at_once(
        *(
            lambda tab=tab, text=text: tab.post(
                url, {"body": text, "visibility": "private", "version": "0"}
            )
            for tab, text in zip(tabs, ["first tab", "second tab"], strict=True)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 302]
    saved = Reflection.objects.get(session=session).body
    kept = next(a for a in answers if a.status_code == 200).content.decode()
    assert saved in kept and ({"first tab", "second tab"} - {saved}).pop() in kept
