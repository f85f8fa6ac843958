from rest_framework.permissions import (
    SAFE_METHODS,
    BasePermission,
    DjangoModelPermissionsOrAnonReadOnly,
)


class EditorsWrite(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model permission the Editors group holds.

    A signed-in user outside the Editors group reads like everyone else and gets 403 on a
    write; an anonymous client gets 401 (with the token scheme named in the response).
    """


class OwnReviews(BasePermission):
    """Anyone reads; a signed-in listener writes a review and changes or deletes their own.

    Someone else's review is a 403 to change; an anonymous write a 401.
    """

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_authenticated

    def has_object_permission(self, request, view, review):
        return request.method in SAFE_METHODS or review.author_id == request.user.pk
