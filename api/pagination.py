"""Pages of a list: ``?page=`` and ``?page_size=`` up to MAX_PAGE_SIZE.

DRF quietly uses the default size for a page_size it cannot use; here a size that
is not a whole number from 1 to MAX_PAGE_SIZE is a 400 that says which sizes are
allowed, so a client never gets a shorter page than it asked for without knowing.
"""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_PAGE_SIZE = 100


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size  # an empty parameter is taken as not given
        if (
            not value.isascii()
            or not value.isdigit()
            or not (1 <= int(value) <= MAX_PAGE_SIZE)
        ):
            raise ValidationError({self.page_size_query_param: [
                f"Must be a whole number from 1 to {MAX_PAGE_SIZE}."
            ]})  # fmt: skip
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"How many results per page: 1 to {MAX_PAGE_SIZE}, "
                    f"{self.page_size} when not given."
                )
                parameter["schema"].update(minimum=1, maximum=MAX_PAGE_SIZE)
            elif parameter["name"] == self.page_query_param:
                parameter["description"] = "Which page of the results, from 1."
                parameter["schema"]["minimum"] = 1
        return parameters
