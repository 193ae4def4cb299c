"""Peer challenge and peer support URLs, at their full paths."""

from django.urls import path

# Registers the <id:...> converter the patterns below use.
from config import converters  # noqa: F401
from peers import views

app_name = "peers"

C = "peers/challenges/<id:pk>/"

urlpatterns = [
    path("peers/", views.overview, name="overview"),
    path("peers/record/", views.record_edit, name="record"),
    path("peers/record/windows/", views.window_add, name="window_add"),
    path("peers/record/windows/<id:window_id>/remove/", views.window_remove, name="window_remove"),
    path("peers/book/", views.book, name="book"),
    path("peers/book/check/", views.book_check, name="book_check"),
    path("peers/programme/", views.programme, name="programme"),
    path("peers/overdue/", views.overdue, name="overdue"),
    path("peers/calendar/<str:token>.ics", views.person_calendar, name="person_calendar"),
    path("peers/challenges/calendar/<str:token>.ics", views.challenge_calendar, name="challenge_calendar"),
    path(C, views.challenge_detail, name="challenge"),
    path(C + "decide/", views.challenge_decide, name="decide"),
    path(C + "propose/", views.team_propose, name="propose"),
    path(C + "invite/", views.team_invite, name="invite"),
    path(C + "team/<id:membership_id>/swap/", views.team_swap, name="swap"),
    path(C + "team/<id:membership_id>/respond/", views.invitation_respond, name="respond"),
    path(C + "team/<id:membership_id>/days/", views.days_record, name="days"),
    path(C + "steps/<id:step_id>/done/", views.step_done, name="step_done"),
    path(C + "report/", views.report, name="report"),
]
