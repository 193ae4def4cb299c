"""Read-only API views for everyone (rate limited, CORS, ETag/Last-Modified) and the one write:
a JSON batch of values, with a personal token and the data officer's scope."""

from __future__ import annotations

import hashlib

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, generics, pagination, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils.http import http_date, parse_http_date_safe

from benchmarking import selectors, services
from benchmarking.api import serializers as api
from benchmarking.models import ApiToken, Area, Metric, Period, Value


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>`, a personal token made on the lodging page."""

    keyword = "Token"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.split()
        if not parts or parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Token <your token>.")
        token = ApiToken.objects.select_related("user").filter(digest=services.token_digest(parts[1])).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("That token is not valid: make a new one on the lodging page.")
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "benchmarking.api.views.TokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <your personal token>"}


class ReadOrToken(BasePermission):
    message = "Writing needs a personal API token (Authorization: Token <key>)."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or isinstance(request.auth, ApiToken)


class ReadThrottle(AnonRateThrottle):
    """600 requests a minute from one address; `BENCHMARKING_API_RATES` in settings overrides."""

    scope = "anon"

    def get_rate(self):
        return getattr(settings, "BENCHMARKING_API_RATES", {}).get(self.scope, "600/min")


class UserReadThrottle(UserRateThrottle):
    scope = "user"

    def get_rate(self):
        return getattr(settings, "BENCHMARKING_API_RATES", {}).get(self.scope, "1200/min")


class Pages(pagination.PageNumberPagination):
    page_size = 1000
    page_size_query_param = "page_size"
    max_page_size = 5000


class OpenView:
    """What every view of the API shares: the schema, auth, throttles, CORS and caching."""

    schema = AutoSchema()
    authentication_classes = [TokenAuthentication]
    permission_classes = [ReadOrToken]
    throttle_classes = [ReadThrottle, UserReadThrottle]
    pagination_class = Pages

    # Lists of values change when a value does; metrics, areas and periods are rarely edited
    # and carry no timestamp, so they are served whole each time.
    tracks_values = True

    def last_modified(self):
        if not self.tracks_values:
            return None
        return Value.objects.aggregate(latest=Max("updated_at"))["latest"]

    def get(self, request, *args, **kwargs):
        # Poll cheaply: a client that sends back the ETag or Last-Modified gets a 304 for free.
        changed = self.last_modified()
        stamp = changed.timestamp() if changed else 0
        etag = '"' + hashlib.sha256(f"{stamp}|{request.get_full_path()}".encode()).hexdigest()[:32] + '"'
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if request.headers.get("If-None-Match") == etag or (
            since is not None and "If-None-Match" not in request.headers and stamp and int(stamp) <= since
        ):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = super().get(request, *args, **kwargs)
        response["ETag"] = etag
        if changed:
            response["Last-Modified"] = http_date(stamp)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in SAFE_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
        return response


class MetricList(OpenView, generics.ListAPIView):
    """Every metric, with its definition, polarity, source and licence."""

    serializer_class = api.MetricSerializer
    queryset = Metric.objects.order_by("code")
    tracks_values = False


class MetricDetail(OpenView, generics.RetrieveAPIView):
    serializer_class = api.MetricSerializer
    queryset = Metric.objects.all()
    lookup_field = "code"
    lookup_url_kwarg = "code"
    tracks_values = False


class AreaList(OpenView, generics.ListAPIView):
    """Councils and the other organisations values are lodged for, and the England and Wales totals."""

    serializer_class = api.AreaSerializer
    queryset = Area.objects.order_by("code")
    tracks_values = False


class PeriodList(OpenView, generics.ListAPIView):
    serializer_class = api.PeriodSerializer
    queryset = Period.objects.order_by("starts_on", "code")
    tracks_values = False


class NeighbourList(OpenView, generics.ListAPIView):
    """An area's 15 nearest neighbours by the published similar-councils model, and why."""

    serializer_class = api.NeighbourSerializer

    def get_queryset(self):
        area = get_object_or_404(Area, code=self.kwargs["code"].upper(), kind=Area.Kind.ORGANISATION)
        return [
            {"area": match.area, "rank": match.rank, "distance": match.distance, "explanation": match.explanation}
            for match in selectors.neighbour_group(area)
        ]


class ValueSchema(AutoSchema):
    """Method-level @extend_schema would build on DRF's own DEFAULT_SCHEMA_CLASS (not set to
    drf-spectacular's here), so the values endpoint describes its filters and batch write itself."""

    def get_override_parameters(self):
        return [api.ValueFilterSerializer] if self.method == "GET" else []

    def get_request_serializer(self):
        return api.LodgeBatchSerializer if self.method == "POST" else super().get_request_serializer()

    def get_response_serializers(self):
        if self.method != "POST":
            return super().get_response_serializers()
        return {
            201: api.LodgeResultSerializer,
            400: inline_serializer("LodgeErrors", {"errors": api.RowErrorSerializer(many=True)}),
            403: inline_serializer("Forbidden", {"detail": serializers.CharField()}),
        }


class ValueList(OpenView, generics.ListAPIView):
    """Values, filtered by metric, area, period or an area's nearest neighbours; POST lodges a batch."""

    serializer_class = api.ValueSerializer

    def filters(self) -> dict:
        checked = api.ValueFilterSerializer(data=self.request.query_params)
        checked.is_valid(raise_exception=True)
        return checked.validated_data

    def get_queryset(self):
        wanted = self.filters()
        values = selectors.visible_values(self.request.user).select_related("metric", "area", "period")
        if "metric" in wanted:
            values = values.filter(metric__code=wanted["metric"])
        if "area" in wanted:
            values = values.filter(area__code=wanted["area"].upper())
        if "period" in wanted:
            values = values.filter(period__code=wanted["period"])
        if "neighbours_of" in wanted:
            area = Area.objects.filter(code=wanted["neighbours_of"].upper(), kind=Area.Kind.ORGANISATION).first()
            if area is None:
                raise exceptions.ValidationError({"neighbours_of": ["No council has that code."]})
            ids = [area.pk, *(match.area.pk for match in selectors.neighbour_group(area))]
            values = values.filter(area_id__in=ids)
        return values.order_by("metric__code", "area__code", "period__starts_on", "pk")

    schema = ValueSchema()

    def post(self, request, *args, **kwargs):
        batch = api.LodgeBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        try:
            checked = services.values_lodge(user=request.user, rows=batch.validated_data["values"])
        except PermissionDenied as refused:
            raise exceptions.PermissionDenied(str(refused)) from None
        if checked.plan is None:
            return Response({"errors": [error.__dict__ for error in checked.errors[:1000]]}, status=400)
        plan = checked.plan
        return Response({"new": len(plan.new), "revised": len(plan.revised), "unchanged": plan.unchanged}, status=201)


class Schema(SpectacularAPIView):
    """The OpenAPI 3 document of this API."""

    throttle_classes = [ReadThrottle, UserReadThrottle]
    authentication_classes: list = []
    # What the document describes: the API's own patterns at their full paths (not the whole
    # site, and not this view).
    patterns = [path("api/v1/", include("benchmarking.api.urls"))]
    custom_settings = {
        "TITLE": "Knowledge Hub sector data API",
        "DESCRIPTION": "Metrics, areas, periods and values of the sector data. Demo deployments serve illustrative figures, not official statistics.",
        "VERSION": "1",
    }
