"""Wagtail's user bar, asked for only where it could appear.

Wagtail's own tag checks ``wagtailadmin.access_admin`` for everyone signed in: two permission
queries on every page for every member, who never sees the bar. Admin access comes with a role
(a group) or with administrator rights, so people with neither are answered without asking.
"""

from django import template

from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from accounts.roles import may_use_admin

register = template.Library()


@register.simple_tag(takes_context=True)
def hub_userbar(context, position: str = "bottom-right") -> str:
    request = context.get("request")
    if request is None or not may_use_admin(request.user):
        return ""
    return wagtailuserbar(context, position)
