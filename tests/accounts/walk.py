"""accounts' part of the robustness walk: the page where organisations approve members."""

from tests.security.walker import Route

ROUTES = {
    # Only an organisation's administrators (and the site's) see the approve/refuse forms.
    "account/organisation-requests/": Route(roles=("organisation_admin",)),
}


def world(*, users):
    from accounts.factories import UserFactory
    from accounts.services import membership_grant

    organisation_admin = UserFactory(email="walk-organisation-admin@council.example")
    membership_grant(user=organisation_admin, organisation=organisation_admin.organisation, is_admin=True)
    UserFactory(
        email="walk-asks-to-join@elsewhere.example", organisation=organisation_admin.organisation, membership="pending"
    )
    return {"extra": {"organisation_admin": organisation_admin}}
