import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def number_existing_events(apps, schema_editor):
    """Give logged events their per-community sequence (in id order) and every community its head."""
    CommunityEvent = apps.get_model("communities", "CommunityEvent")
    CommunityLogHead = apps.get_model("communities", "CommunityLogHead")
    CommunityPage = apps.get_model("communities", "CommunityPage")
    last = {}
    for event in CommunityEvent.objects.order_by("id").only("id", "community_id").iterator():
        last[event.community_id] = last.get(event.community_id, 0) + 1
        CommunityEvent.objects.filter(pk=event.pk).update(seq=last[event.community_id])
    CommunityLogHead.objects.bulk_create(
        [
            CommunityLogHead(community_id=pk, last_seq=last.get(pk, 0))
            for pk in CommunityPage.objects.values_list("pk", flat=True)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_communitypage_auditentry_invitation_libraryfolder_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommunityLogHead",
            fields=[
                (
                    "community",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="communities.communitypage",
                    ),
                ),
                ("last_seq", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="communityevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.CreateModel(
            name="LiveWorker",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=64, unique=True)),
                ("last_seen", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
        ),
        # Rows from before workers were recorded cannot be told apart from a dead worker's.
        migrations.RunSQL("DELETE FROM communities_presence", migrations.RunSQL.noop),
        migrations.AddField(
            model_name="presence",
            name="worker",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="connections",
                to="communities.liveworker",
            ),
        ),
        migrations.RunPython(number_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="communityevent",
            name="seq",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.RemoveIndex(
            model_name="communityevent",
            name="communities_communi_b87494_idx",
        ),
        migrations.AddConstraint(
            model_name="communityevent",
            constraint=models.UniqueConstraint(fields=("community", "seq"), name="one_event_per_community_seq"),
        ),
    ]
