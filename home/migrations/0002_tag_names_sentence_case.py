"""Tags created before home.tags normalised them get the same sentence case."""

from django.db import migrations


def sentence_case(apps, schema_editor):
    from home.tags import tag_name

    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.all():
        name = tag_name(tag.name)
        # Names are unique: a case-variant already stored stays as it is rather than collide.
        if name != tag.name and not Tag.objects.filter(name=name).exists():
            tag.name = name
            tag.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(sentence_case, migrations.RunPython.noop)]
