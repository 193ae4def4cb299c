"""/api/v1/: the open read API of the sector data (what the OpenAPI document describes; the
document itself is served from benchmarking/urls.py, outside what it describes)."""

from django.urls import path

from benchmarking.api import views

urlpatterns = [
    path("metrics/", views.MetricList.as_view(), name="api_metrics"),
    path("metrics/<slug:code>/", views.MetricDetail.as_view(), name="api_metric"),
    path("areas/", views.AreaList.as_view(), name="api_areas"),
    path("areas/<slug:code>/neighbours/", views.NeighbourList.as_view(), name="api_neighbours"),
    path("periods/", views.PeriodList.as_view(), name="api_periods"),
    path("values/", views.ValueList.as_view(), name="api_values"),
]
