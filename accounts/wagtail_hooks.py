from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.models import Organisation
from home import extensions


class OrganisationSnippetViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "kind", "ons_code", "tier", "parent", "abolished_on", "successor"]
    list_filter = ["kind", "tier"]
    search_fields = ["name", "ons_code"]


register_snippet(OrganisationSnippetViewSet)


@hooks.register(extensions.DEMO_DATA)
def people_demo():
    # First: every other feature's demo data is made by these people.
    return extensions.DemoStep(name="accounts", module="accounts.demo", order=10)
