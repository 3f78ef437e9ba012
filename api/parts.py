"""Write endpoints for the parts of an error (causes, fixes, steps, FAQs, notes,
signatures, examples). One definition serves them all: each is a plain model
resource with an ``error`` foreign key, guarded by the model's permissions."""

from rest_framework import viewsets

from api.filters import PartFilter
from api.serializers import NulFreeModelSerializer, SignatureSerializer
from kb.models import FAQ, Cause, Example, Fix, Note, Signature, Step

PART_FIELDS = {
    Cause: ["likelihood", "text", "text_html"],
    Fix: ["difficulty", "text", "text_html", "cause"],
    Step: ["title", "body", "body_html", "tip", "tip_html"],
    FAQ: ["question", "answer", "answer_html"],
    Note: ["kind", "text", "text_html"],
    Example: [
        "title",
        "http_status",
        "headers",
        "body",
        "source",
        "expect_action",
        "expect_after_seconds",
    ],  # fmt: skip
}


def part_serializer(model, fields):
    meta = type("Meta", (), {
        "model": model,
        "fields": ["id", "error", "position", *fields],
        "read_only_fields": [f for f in fields if f.endswith("_html")],
    })  # fmt: skip
    return type(
        f"{model.__name__}PartSerializer",
        (NulFreeModelSerializer,),
        {"Meta": meta},
    )


class PartViewSet(viewsets.ModelViewSet):
    """Anonymous callers see only the parts of published entries, as on
    /api/v1/errors/: lists, details and ``?error=`` alike (``visible_to``)."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


def part_viewset(model, serializer_class):
    return type(
        f"{model.__name__}ViewSet",
        (PartViewSet,),
        {
            "queryset": model.objects.select_related("error__provider").order_by("pk"),
            "serializer_class": serializer_class,
            "filterset_class": PartFilter,
        },
    )


# URL prefix -> (router basename, viewset)
PART_VIEWSETS = {
    str(model._meta.verbose_name_plural).lower(): (
        model._meta.model_name,
        part_viewset(model, part_serializer(model, fields)),
    )
    for model, fields in PART_FIELDS.items()
}
PART_VIEWSETS["signatures"] = (
    "signature",
    part_viewset(Signature, SignatureSerializer),
)
