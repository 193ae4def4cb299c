"""Community routes. The community page itself (/communities/<slug>/) is a Wagtail page."""

from django.urls import path

from communities import views

# Registers the <id:...> converter the patterns below use.
from config import converters  # noqa: F401

app_name = "communities"

C = "communities/<slug:slug>/"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("communities/moderation/", views.moderation_queue, name="moderation_all"),
    path(
        "communities/moderation/reports/<id:report_id>/",
        views.report_resolve,
        name="report_resolve",
    ),
    path("communities/invitations/<uuid:token>/", views.invitation, name="invitation"),
    path("communities/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(C + "join/", views.community_join, name="join"),
    path(C + "request/", views.community_request, name="request"),
    path(C + "leave/", views.community_leave, name="leave"),
    path(C + "email/", views.community_email, name="email"),
    path(C + "members/", views.community_members, name="members"),
    path(
        C + "members/<id:membership_id>/<str:action>/",
        views.community_member_action,
        name="member_action",
    ),
    path(C + "invite/", views.community_invite, name="invite"),
    path(C + "threads/new/", views.thread_create, name="thread_create"),
    path(C + "threads/<id:thread_id>/", views.thread_detail, name="thread"),
    path(C + "threads/<id:thread_id>/edit/", views.thread_edit, name="thread_edit"),
    path(
        C + "threads/<id:thread_id>/replies/<id:reply_id>/",
        views.reply_fragment,
        name="reply_fragment",
    ),
    path(
        C + "threads/<id:thread_id>/moderate/",
        views.thread_moderate,
        name="thread_moderate",
    ),
    path(
        C + "threads/<id:thread_id>/report/",
        views.report_create,
        name="report_thread",
    ),
    path(
        C + "threads/<id:thread_id>/replies/<id:reply_id>/report/",
        views.report_create,
        name="report_reply",
    ),
    path(C + "replies/<id:reply_id>/edit/", views.reply_edit, name="reply_edit"),
    path(C + "replies/<id:reply_id>/delete/", views.reply_delete, name="reply_delete"),
    path(C + "moderation/", views.moderation_queue, name="moderation"),
    path(
        C + "moderation/hidden/threads/<id:thread_id>/",
        views.hidden_post_decide,
        name="hidden_thread",
    ),
    path(
        C + "moderation/hidden/replies/<id:reply_id>/",
        views.hidden_post_decide,
        name="hidden_reply",
    ),
    path(C + "audit/", views.audit_log, name="audit"),
    path(C + "settings/", views.community_settings, name="settings"),
    path(C + "feed/", views.CommunityFeed(), name="feed"),
    path(C + "library/", views.library, name="library"),
    path(
        C + "library/<id:file_id>/download/",
        views.library_download,
        name="library_download",
    ),
    path(
        C + "library/<id:file_id>/remove/",
        views.library_file_remove,
        name="library_file_remove",
    ),
]
