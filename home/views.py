from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from home.health import run_checks


@never_cache
@require_GET
def healthz(request):
    """200 when every dependency answers; 503 naming the ones that do not."""
    report = run_checks()
    return JsonResponse(report, status=200 if not report["down"] else 503)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A bare template: the error may have come from anything the full layout needs.
    return render(request, "500.html", status=500)
