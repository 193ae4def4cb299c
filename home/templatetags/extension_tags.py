"""Render what features register with the shared pages (see home.extensions)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """Render a feature's panel with the page's context plus the panel's own."""
    with context.push(panel.context):
        return context.template.engine.get_template(panel.template).render(context)
