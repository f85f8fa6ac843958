from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly


class EditorsWrite(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model permission the Editors group holds.

    A signed-in user outside the Editors group reads like everyone else and gets 403 on a
    write; an anonymous client gets 401 (with the token scheme named in the response).
    """
