"""`{% person_shown user as author %}`: a person as the viewing request may see them."""

from django import template

from accounts import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def person_shown(context, person, unnamed="A member", gone="A former member"):
    """The person named as their privacy settings allow the request's user (anonymous if none).

    Templates rendered without a request (emails, live payloads) see what anyone may see.
    """
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return selectors.person_shown(person=person, viewer=viewer, unnamed=unnamed, gone=gone)
