"""The site's URLs plus the bare view every benchmark is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def bare_view(request):
    """The cheapest possible Django response through the same middleware stack."""
    return HttpResponse("<!DOCTYPE html><title>bare</title><p>ok</p>")


urlpatterns = [path("__bench__/bare/", bare_view), path("", include("config.urls"))]
