"""Notifications refer to their thread and reply instead of copying the thread's title.

Existing notifications about posts are linked to them from their URL (a thread's address, and
"#reply-<id>" for a reply) and their copied text is dropped; a moderator's reason for a removal
is kept. Those whose thread or reply no longer exists are deleted: nothing is left to point to,
and their text is an old copy of what was removed.
"""

import re

import django.db.models.deletion
from django.db import migrations, models

THREAD_URL = re.compile(r"/communities/[^/]+/threads/(\d+)/")
REPLY_ANCHOR = re.compile(r"#reply-(\d+)$")
POST_KINDS = ("mention", "reply", "moderation")


def link_to_subjects(apps, schema_editor):
    Notification = apps.get_model("communities", "Notification")
    Thread = apps.get_model("communities", "Thread")
    Reply = apps.get_model("communities", "Reply")
    unlinked = []
    for notification in Notification.objects.filter(kind__in=POST_KINDS, thread__isnull=True).iterator():
        thread_match = THREAD_URL.search(notification.url)
        reply_match = REPLY_ANCHOR.search(notification.url)
        thread = thread_match and Thread.objects.filter(
            pk=int(thread_match.group(1)), community_id=notification.community_id
        ).first()
        reply = reply_match and thread and Reply.objects.filter(pk=int(reply_match.group(1)), thread=thread).first()
        if not thread or (reply_match and not reply):
            unlinked.append(notification.pk)
            continue
        notification.thread = thread
        notification.reply = reply or None
        # "A moderator removed your post in “<title>”: <reason>": the reason is the moderator's.
        notification.text = notification.text.split("”: ", 1)[1] if notification.kind == "moderation" and "”: " in notification.text else ""
        notification.save(update_fields=["thread", "reply", "text"])
    Notification.objects.filter(pk__in=unlinked).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0004_event_log_window"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="thread",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="communities.thread",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="reply",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="communities.reply",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="text",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(link_to_subjects, migrations.RunPython.noop),
    ]
