"""Who may delete from the shared library: signed-in users add and edit readings and terms,
but removing one is for whoever added the reading, and for staff."""

from rest_framework.permissions import BasePermission


class ReadingPermission(BasePermission):
    message = "Only whoever added this reading (or staff) may delete it."

    def has_object_permission(self, request, view, reading) -> bool:
        if request.method != "DELETE":
            return True
        user = request.user
        return user.is_staff or (reading.added_by_id is not None and reading.added_by_id == user.id)


class TermPermission(BasePermission):
    message = "Only staff may delete a glossary term; edit it or revert it instead."

    def has_object_permission(self, request, view, term) -> bool:
        return request.method != "DELETE" or request.user.is_staff
