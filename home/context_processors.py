from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from home import extensions


def navigation(request):
    """The header and service navigation, made of what each feature registers.

    Everything is lazy: a page that never shows the header (a feed, a JSON answer rendered from a
    template) asks no feature for anything, and a link's badge is counted only when shown.
    """
    path = request.path

    def main_navigation():
        return [
            {"label": link.label, "href": link.url, "current": path.startswith(link.url)}
            for link in extensions.navigation_links()
        ]

    def header_links():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return extensions.header_links(request)

    return {
        "main_navigation": SimpleLazyObject(main_navigation),
        "header_links": SimpleLazyObject(header_links),
        "site_search": SimpleLazyObject(extensions.site_search),
        "account_url": reverse("accounts:overview"),
    }
