"""Local accountability tools URLs, at their full paths."""

from django.urls import path

from accountability import views

# Registers the <id:...> converter the patterns below use.
from config import converters  # noqa: F401

app_name = "accountability"

B = "budget-simulator/<id:pk>/"
M = "accountability/manage/"

urlpatterns = [
    path("accountability/", views.index, name="index"),
    # Residents
    path(B, views.simulation_page, name="simulation"),
    path(B + "thanks/", views.thanks, name="thanks"),
    path(B + "embed/", views.simulation_embed, name="embed"),
    path(B + "embed/thanks/", views.embed_thanks, name="embed_thanks"),
    path(B + "results/", views.results, name="results"),
    path(B + "results/responses.csv", views.results_csv, name="results_csv"),
    path(B + "results/publish/", views.results_publish, name="results_publish"),
    path(B + "results/duplicates/", views.duplicates_exclude, name="duplicates_exclude"),
    path(B + "results/responses/<id:response_id>/", views.response_exclude, name="response_exclude"),
    # The council's editor
    path(M, views.manage, name="manage"),
    path(M + "simulations/new/", views.simulation_new, name="simulation_new"),
    path(M + "simulations/<id:pk>/", views.simulation_manage, name="simulation_manage"),
    path(M + "simulations/<id:pk>/edit/", views.simulation_edit, name="simulation_edit"),
    path(M + "simulations/<id:pk>/publish/", views.simulation_publish, name="simulation_publish"),
    path(M + "simulations/<id:pk>/lines/new/", views.line_new, name="line_new"),
    path(M + "simulations/<id:pk>/lines/<id:line_id>/", views.line_edit, name="line_edit"),
    path(M + "simulations/<id:pk>/groups/new/", views.group_new, name="group_new"),
    path(M + "assessments/new/", views.assessment_new, name="assessment_new"),
    path(M + "assessments/<id:pk>/", views.assessment_manage, name="assessment_manage"),
    # Self-assessment
    path("assessments/<id:pk>/", views.assessment_public, name="assessment_public"),
    path("assessments/join/<uuid:token>/", views.assessment_join, name="assessment_join"),
    path("assessments/respond/<uuid:token>/", views.assessment_respond, name="assessment_respond"),
]
