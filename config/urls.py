from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views import serve as wagtaildocs_serve

# Registers <id:...> before any app's URLs are imported.
from config import converters  # noqa: F401
from home import views as home_views


def _without(patterns, *names):
    return [pattern for pattern in patterns if getattr(pattern, "name", None) not in names]


# Wagtail's public document and page-password URLs take ids with `int` (or `\d+`, which also
# takes other scripts' digits), so an id no row can have was a 500. The same views are mounted
# here with the `id` converter, and Wagtail's own patterns for them left out: were they kept,
# a value `id` refuses would fall through to them.
documents_urls = [
    path("<id:document_id>/<path:document_filename>", wagtaildocs_serve.serve, name="wagtaildocs_serve"),
    path(
        "authenticate_with_password/<id:restriction_id>/",
        wagtaildocs_serve.authenticate_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    *_without(wagtaildocs_urls.urlpatterns, "wagtaildocs_serve", "wagtaildocs_authenticate_with_password"),
]
pages_urls = [
    path(
        "_util/authenticate_with_password/<id:page_view_restriction_id>/<id:page_id>/",
        wagtail_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    *_without(wagtail_urls.urlpatterns, "wagtailcore_authenticate_with_password"),
]

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(documents_urls)),
    path("accounts/", include("allauth.urls")),
    # Each app owns its full paths; Wagtail's page tree catches everything else.
    path("", include("accounts.urls")),
    path("", include("hub.urls")),
    path("", include("communities.urls")),
    path("", include("search.urls")),
    path("", include("marketplace.urls")),
    path("", include("benchmarking.urls")),
    path("", include("peers.urls")),
    path("", include("accountability.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(pages_urls))]

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
