"""The accountability tools' part of the robustness walk (tests/security/walker.py)."""

from tests.security.walker import Route

STAFF = ("council_staff",)
SIM = {"pk": "simulation.id"}
B = "budget-simulator/<pk>/"
M = "accountability/manage/"

ROUTES = {
    "accountability/": Route(),
    B: Route(path=SIM),
    B + "thanks/": Route(path=SIM),
    B + "embed/": Route(path=SIM),
    B + "embed/thanks/": Route(path=SIM),
    B + "results/": Route(path=SIM, roles=STAFF),
    B + "results/responses.csv": Route(path=SIM, roles=STAFF),
    B + "results/publish/": Route(path=SIM, form_page="simulation.results.url", roles=STAFF),
    B + "results/duplicates/": Route(path=SIM, form_page="simulation.results.url", roles=STAFF),
    B + "results/responses/<response_id>/": Route(
        path={**SIM, "response_id": "simulation_response.id"}, form_page="simulation.results.url", roles=STAFF
    ),
    M: Route(roles=STAFF),
    M + "simulations/new/": Route(roles=STAFF),
    M + "simulations/<pk>/": Route(path={"pk": "draft_simulation.id"}, roles=STAFF),
    M + "simulations/<pk>/edit/": Route(path={"pk": "draft_simulation.id"}, roles=STAFF),
    M + "simulations/<pk>/publish/": Route(
        path={"pk": "draft_simulation.id"}, form_page="draft_simulation.manage.url", roles=STAFF
    ),
    M + "simulations/<pk>/lines/new/": Route(path={"pk": "draft_simulation.id"}, roles=STAFF),
    M + "simulations/<pk>/lines/<line_id>/": Route(
        path={"pk": "draft_simulation.id", "line_id": "draft_line.id"}, roles=STAFF
    ),
    M + "simulations/<pk>/groups/new/": Route(path={"pk": "draft_simulation.id"}, roles=STAFF),
    M + "assessments/new/": Route(roles=STAFF),
    M + "assessments/<pk>/": Route(path={"pk": "assessment.id"}, roles=STAFF),
    "assessments/<pk>/": Route(path={"pk": "assessment.id"}, roles=STAFF),
    "assessments/join/<token>/": Route(path={"token": "assessment.resident_token"}),
    "assessments/respond/<token>/": Route(path={"token": "respondent.token"}),
}


def world(*, users) -> dict:
    """A council with a published simulation answered once, a draft, and an assessment."""
    from decimal import Decimal

    from accountability import services
    from accountability.factories import framework_ensure, lines_of, simulation_create
    from accounts.factories import CouncilFactory, UserFactory

    council = CouncilFactory(name="Walking Council")
    staff = UserFactory(email="walk-council-staff@council.example", organisation=council)
    simulation = simulation_create(organisation=council, title="Walked simulator", embed_domains="https://walk.example")
    libraries = lines_of(simulation)[0]
    response = services.response_submit(
        simulation=simulation,
        lines=[libraries],
        submission=services.Submission(choices={libraries.pk: Decimal(-10)}, reason="A reason to exclude"),
        address="192.0.2.50",
        browser="walk-browser",
    )
    draft = simulation_create(organisation=council, title="Walked draft", publish=False)
    assessment = services.assessment_start(organisation=council, framework=framework_ensure(), title="Walked")
    respondent = services.respondent_invite(assessment=assessment, perspective="partner", label="Walker")
    return {
        "samples": {
            "simulation.id": str(simulation.pk),
            "simulation.results.url": f"/budget-simulator/{simulation.pk}/results/",
            "simulation_response.id": str(response.pk),
            "draft_simulation.id": str(draft.pk),
            "draft_simulation.manage.url": f"/accountability/manage/simulations/{draft.pk}/",
            "draft_line.id": str(lines_of(draft)[0].pk),
            "assessment.id": str(assessment.pk),
            "assessment.resident_token": str(assessment.resident_token),
            "respondent.token": str(respondent.token),
        },
        "extra": {"council_staff": staff},
    }
