"""seed_demo leaves the documented demo accounts something to look at."""

import pytest

from django.core.management import call_command
from django.test import Client

from accounts.models import User
from communities.models import Notification, NotificationKind, Report, ReportState


@pytest.mark.django_db
def test_demo_accounts_have_unread_notifications_and_an_open_report():
    call_command("seed_demo", people=40)
    officer = User.objects.get(email="officer@knowledgehub.example")
    unread = Notification.objects.filter(recipient=officer, read_at__isnull=True)
    assert {NotificationKind.MENTION, NotificationKind.REPLY, NotificationKind.JOIN_REQUEST} <= set(
        unread.values_list("kind", flat=True)
    )
    report = Report.objects.get(state=ReportState.OPEN, reason="Names a family and their address.")
    assert report.community.slug == "homelessness-prevention"

    client = Client()
    client.force_login(User.objects.get(email="moderator@knowledgehub.example"))
    queue = client.get("/communities/homelessness-prevention/moderation/")
    assert queue.status_code == 200
    assert "Names a family and their address." in queue.content.decode()
