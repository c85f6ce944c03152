"""A course whose sessions link glossary terms, so it has a glossary to study."""

from tests.readings.factories import GlossaryTermFactory
from tests.sessions.factories import CourseFactory, MembershipFactory, SessionFactory


def course_with_glossary(*terms_by_session: list[dict], course=None, members=()):
    """A course with one session per list of term specs (name, level, definition, aliases),
    each session's abstract linking its terms; returns (course, {name: term})."""
    course = course or CourseFactory()
    terms = {}
    for number, specs in enumerate(terms_by_session, start=1):
        for spec in specs:
            terms[spec["name"]] = GlossaryTermFactory(**spec)
        links = " ".join(f"[[{spec['name']}]]" for spec in specs)
        SessionFactory(course=course, number=number, abstract=f"Today: {links}.")
    for member in members:
        MembershipFactory(course=course, user=member)
    return course, terms
