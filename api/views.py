import zlib

from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.http import quote_etag
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import ErrorCodeFilter
from api.lookup_examples import lookup_examples
from api.lookup_input import lookup_input
from api.lookup_output import LookupOutputSerializer, render_lookup
from api.parsers import SafeJSONParser
from api.problems import problem_response
from api.renderers import FastJSONRenderer
from api.serializers import (
    CategorySerializer,
    ErrorCodeDetailSerializer,
    ErrorCodeListSerializer,
    FeedbackSerializer,
    LookupInputSerializer,
    LookupQuerySerializer,
    ProviderSerializer,
)
from config import metrics
from kb import events
from kb.indexing import lookup
from kb.lookup.types import LookupInputError, LookupRequest
from kb.models import Category, ErrorCode, Provider
from kb.nul_guard import has_nul
from kb.throttles import ScopedThrottle
from kb.versioning import kb_version
from kb.votes import first_vote

PUBLISHED = Q(errors__state="published")


class VersionedETagMixin:
    """Read endpoints answer 304 to a client that already has the current version:
    the ETag is the knowledge base's version plus the URL and the caller's view."""

    answers_not_modified = True  # api.schema documents the 304

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            # Signed-in callers may see drafts: their validators are their own.
            user = f"-u{request.user.pk}" if request.user.is_authenticated else ""
            path = zlib.crc32(request.get_full_path().encode())
            etag = quote_etag(f"{kb_version()}-{path:x}{user}")
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-cache" if user else "no-cache"
            if etag in request.headers.get("If-None-Match", ""):
                return HttpResponseNotModified(headers={"ETag": etag})
        return response


class CountedCreateMixin:
    """A created provider or category is answered as it will be read, error_count
    included: only the annotated queryset carries that count."""

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class ProviderViewSet(CountedCreateMixin, VersionedETagMixin, viewsets.ModelViewSet):
    """The providers whose errors the knowledge base holds, with how many of their
    errors are published."""

    serializer_class = ProviderSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = [SearchFilter]
    search_fields = ["slug", "name"]

    def get_queryset(self):
        return Provider.objects.annotate(
            error_count=Count("errors", filter=PUBLISHED)
        ).order_by("position", "name")


class CategoryViewSet(CountedCreateMixin, VersionedETagMixin, viewsets.ModelViewSet):
    """Kinds of error across providers (rate limiting, authentication, …), with how
    many published errors each holds."""

    serializer_class = CategorySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return Category.objects.annotate(
            error_count=Count("errors", filter=PUBLISHED)
        ).order_by("position", "name")


class ErrorCodeViewSet(VersionedETagMixin, viewsets.ModelViewSet):
    """Errors at stable URLs keyed by provider and code; anonymous callers see only
    published entries."""

    filterset_class = ErrorCodeFilter
    ordering_fields = ["http_status", "code", "title", "updated_at"]

    @property
    def ordering(self):
        """The list's order when ?ordering= names none. A search keeps the order
        ``ErrorCode.objects.search()`` ranks it in, best first, as on the search
        page."""
        if self.request.query_params.get("search", "").strip():
            return None
        return ["provider__position", "provider__slug", "http_status", "code"]

    def get_queryset(self):
        queryset = ErrorCode.objects.visible_to(self.request.user)
        if self.action == "list":
            return queryset.select_related("provider", "category")
        return queryset.with_details()

    def get_serializer_class(self):
        return (
            ErrorCodeListSerializer
            if self.action == "list"
            else ErrorCodeDetailSerializer
        )

    def get_object(self):
        if has_nul(self.kwargs["provider"]) or has_nul(self.kwargs["code"]):
            raise Http404  # PostgreSQL text cannot hold it, so no entry has it
        queryset = self.filter_queryset(self.get_queryset())
        obj = get_object_or_404(
            queryset,
            provider__slug=self.kwargs["provider"],
            code_key=self.kwargs["code"].lower(),
        )
        self.check_object_permissions(self.request, obj)
        return obj


class LookupView(APIView):
    """Recognise an error response: the matched entry, why, and what to do."""

    permission_classes = [AllowAny]
    parser_classes = [SafeJSONParser]
    renderer_classes = [FastJSONRenderer]

    # The serializers document the input; lookup_input applies the same rules
    # in plain code (the hot path), and a test holds the two together.
    @extend_schema(
        summary="Look up an error response",
        description="Send the response as you got it: its status, headers, body "
        "(JSON, an HTML page, XML or plain text, as a string or as JSON) and the "
        "URL it came from. The answer names the matching entry, how sure the match "
        "is, the alternatives, and what to do: retry, wait, fix something first, "
        "or give up. [How the advice is decided](/api/docs/retry/).",
        request=LookupInputSerializer,
        responses=LookupOutputSerializer,
        examples=lookup_examples(),
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            return problem_response(400, "The request body must be a JSON object.")
        return self.answer(lookup_input(data))

    @extend_schema(
        summary="Look up a known status and code",
        description="The same answer when you already have the status and the "
        "error's code, as query parameters.",
        parameters=[LookupQuerySerializer],
        responses=LookupOutputSerializer,
    )
    def get(self, request):
        return self.answer(lookup_input(request.query_params.dict(), query=True))

    def answer(self, data):
        body = data.get("body", "")
        lookup_request = LookupRequest(
            status=data["status"],
            headers=data.get("headers") or {},
            body=body,
            provider=data.get("provider") or None,
            url=data.get("url") or None,
            max_wait=data.get("max_wait", 60.0),
            code=data.get("code") or None,
        )
        try:
            result = lookup(lookup_request)
        except LookupInputError as exc:
            return problem_response(400, exc.message, "validation",
                                    errors={exc.field: [exc.message]})  # fmt: skip
        metrics.count_lookup(result, via="api")
        body_text = body if isinstance(body, str) else ""
        event = events.make_event(result, data["status"], body_text)
        events.record(event)
        return Response(render_lookup(result, event.lookup_id, kb_version()))


class FeedbackView(APIView):
    """Say whether a lookup's answer (or one of its fixes) helped."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    def get_throttles(self):
        # Votes have their own, smaller allowance on top of the API's (kb.throttles).
        return [*super().get_throttles(), ScopedThrottle("vote")]

    @extend_schema(
        summary="Say whether a lookup helped",
        description="Once per lookup and client: whether the answer helped, and "
        "optionally which of the matched error's fixes did.",
        request=FeedbackSerializer,
        responses={
            201: FeedbackSerializer,
            409: OpenApiResponse(description="This client already sent feedback "
                                 "on this lookup; only the first counts."),
        },
    )  # fmt: skip
    def post(self, request, lookup_id):
        event = events.find_event(lookup_id)
        if event is None:
            return problem_response(404, f"No lookup {lookup_id} is known.")
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fix = serializer.validated_data.get("fix")
        if fix is not None and fix.error_id != event.matched_id:
            return problem_response(400, "That fix belongs to another error.", "validation",
                                    errors={"fix": ["not a fix of the matched error"]})  # fmt: skip
        if not first_vote(request, f"lookup:{event.lookup_id}"):
            return problem_response(409, "Feedback on this lookup from this client "
                                    "is already counted; only the first counts.")  # fmt: skip
        feedback = serializer.save(lookup=event, error_id=event.matched_id, via="api")
        return Response(
            FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED
        )
