from django.urls import reverse

# The service navigation: label, path. Order is the order people see.
NAVIGATION = [
    ("Good practice", "/good-practice/"),
    ("Communities", "/communities/"),
    ("People", "/people/"),
    ("Marketplace", "/marketplace/"),
    ("Search", "/search/"),
]


def navigation(request):
    """Header navigation with the current section marked for aria-current."""
    path = request.path
    items = [{"label": label, "href": href, "current": path.startswith(href)} for label, href in NAVIGATION]
    return {"main_navigation": items, "account_url": reverse("accounts:overview")}
