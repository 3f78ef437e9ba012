from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ReadOnlyOrModelPermissions(DjangoModelPermissions):
    """Anyone may read; writing needs an authenticated user with the model's
    add/change/delete permission (the same ones the admin uses)."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "queryset", None) is None and not hasattr(
            view, "get_queryset"
        ):
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)
