"""Sector data and benchmarking URLs, at their full paths."""

from django.urls import include, path

from benchmarking import views
from benchmarking.api import views as api_views

# Registers the <id:...> converter the patterns below use.
from config import converters  # noqa: F401

app_name = "benchmarking"

urlpatterns = [
    path("data/", views.catalogue, name="catalogue"),
    path("data/metrics/<slug:code>/", views.metric_detail, name="metric"),
    path("data/metrics/<slug:code>/download.csv", views.metric_csv, name="metric_csv"),
    path("data/councils/<slug:code>/", views.council_detail, name="council"),
    path("data/councils/<slug:code>/download.csv", views.council_csv, name="council_csv"),
    path("data/councils/<slug:code>/<slug:metric_code>/", views.council_metric, name="council_metric"),
    path("data/councils/<slug:code>/<slug:metric_code>/chart.svg", views.council_metric_svg, name="council_metric_svg"),
    path("data/lodge/", views.lodge, name="lodge"),
    path("data/lodge/<id:pk>/", views.lodge_summary, name="lodge_summary"),
    path("data/lodge/<id:pk>/confirm/", views.lodge_confirm, name="lodge_confirm"),
    path("data/api/", views.api_docs, name="api_docs"),
    path("data/sector-overview/", views.sector_overview, name="sector_overview"),
    path("api/v1/schema/", api_views.Schema.as_view(), name="api_schema"),
    path("api/v1/", include("benchmarking.api.urls")),
]
