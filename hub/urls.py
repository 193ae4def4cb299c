from django.urls import path, re_path

# Registers the <id:...> converter the patterns below use.
from config import converters  # noqa: F401
from hub import views

app_name = "hub"

urlpatterns = [
    path("good-practice/submit/", views.submission_start, name="submission_start"),
    path(
        "good-practice/submit/new/<slug:step>/",
        views.submission_step,
        name="submission_new",
    ),
    path(
        "good-practice/submit/<id:page_id>/check/",
        views.submission_check,
        name="submission_check",
    ),
    path(
        "good-practice/submit/<id:page_id>/submitted/",
        views.submission_done,
        name="submission_done",
    ),
    path(
        "good-practice/submit/<id:page_id>/<slug:step>/",
        views.submission_step,
        name="submission_step",
    ),
    path("good-practice/my-submissions/", views.my_submissions, name="my_submissions"),
    path("good-practice/useful/<id:page_id>/", views.useful_toggle, name="useful_toggle"),
    path(
        "good-practice/comments/moderation/",
        views.moderation_queue,
        name="moderation_queue",
    ),
    path(
        "good-practice/comments/on/<id:page_id>/",
        views.comment_post,
        name="comment_post",
    ),
    path(
        "good-practice/comments/<id:comment_id>/reply/",
        views.comment_reply,
        name="comment_reply",
    ),
    path(
        "good-practice/comments/<id:comment_id>/flag/",
        views.comment_flag,
        name="comment_flag",
    ),
    path(
        "good-practice/comments/<id:comment_id>/remove/",
        views.comment_remove,
        name="comment_remove",
    ),
    path(
        "good-practice/comments/<id:comment_id>/keep/",
        views.comment_keep,
        name="comment_keep",
    ),
    # The library's Wagtail pages, with the anonymous page cache in front. Same pattern as
    # Wagtail's own catch-all, limited to this section.
    re_path(r"^(good-practice/(?:[\w\-]+/)*)$", views.cached_serve, name="library_serve"),
]
