from django.urls import reverse
from django.utils.functional import SimpleLazyObject

# The service navigation: label, path. Order is the order people see.
NAVIGATION = [
    ("Good practice", "/good-practice/"),
    ("Communities", "/communities/"),
    ("People", "/people/"),
    ("Marketplace", "/marketplace/"),
    ("Search", "/search/"),
]


def navigation(request):
    """Header navigation with the current section marked for aria-current, and the unread count.

    The count is lazy: it is queried only when a page shows the header to someone signed in.
    """
    from communities.selectors import notification_unread_count

    path = request.path
    items = [{"label": label, "href": href, "current": path.startswith(href)} for label, href in NAVIGATION]
    user = getattr(request, "user", None)
    unread = SimpleLazyObject(
        lambda: notification_unread_count(user=user) if user is not None and user.is_authenticated else 0
    )
    return {"main_navigation": items, "account_url": reverse("accounts:overview"), "unread_notifications": unread}
