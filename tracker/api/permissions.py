"""Object permissions shared by the API's viewsets. Who may *see* an object is decided by the
selectors (an invisible object is a 404 before these run); these decide who may change it."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from tracker.visibility import may_edit


class IsAuthorOrReadOnly(BasePermission):
    """Only the author changes or deletes a reflection, note or highlight (the pages' rule)."""

    message = "Only its author may change this."

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or may_edit(request.user, obj)
