import pytest

from sessions import selectors

pytestmark = pytest.mark.django_db


def test_members_only_courses_are_hidden_from_outsiders(course_with_roles, course_factory):
    course, _organizer, member, outsider = course_with_roles
    public = course_factory(visibility="public")
    assert set(selectors.courses_visible_to(outsider)) == {public}
    assert set(selectors.courses_visible_to(member)) == {public, course}


def test_private_reflection_is_hidden_from_other_members(
    course_with_roles, session_factory, reflection_factory
):
    course, organizer, member, outsider = course_with_roles
    session = session_factory(course=course)
    private = reflection_factory(session=session, author=member, visibility="private")
    assert private in selectors.reflections_visible_to(member)
    for viewer in (organizer, outsider):
        assert private not in selectors.reflections_visible_to(viewer)


def test_course_reflection_is_shown_to_members_only(
    course_with_roles, session_factory, reflection_factory
):
    course, organizer, member, outsider = course_with_roles
    shared = reflection_factory(
        session=session_factory(course=course), author=member, visibility="course"
    )
    assert shared in selectors.reflections_visible_to(organizer)
    assert shared not in selectors.reflections_visible_to(outsider)


def test_public_reflection_on_a_members_only_course_stays_inside(
    course_with_roles, session_factory, reflection_factory
):
    course, _organizer, member, outsider = course_with_roles
    public = reflection_factory(
        session=session_factory(course=course), author=member, visibility="public"
    )
    assert public not in selectors.reflections_visible_to(outsider)
    course.visibility = "public"
    course.save()
    assert public in selectors.reflections_visible_to(outsider)


def test_a_spanning_reflection_marks_every_session_it_covers(
    course_factory, session_factory, reflection_factory, member
):
    course = course_factory()
    s1, s2, _s3 = (session_factory(course=course, number=n) for n in (1, 2, 3))
    reflection_factory(author=member, session=s1, covers_until=s2)
    flags = dict(
        selectors.sessions_with_reflection_flag(
            user=member, sessions=course.sessions.all()
        ).values_list("number", "reflected")
    )
    assert flags == {1: True, 2: True, 3: False}
