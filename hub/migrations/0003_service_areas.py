from django.db import migrations
from django.utils.text import slugify


def create_service_areas(apps, schema_editor):
    from hub.taxonomy import SERVICE_AREAS

    ServiceArea = apps.get_model("hub", "ServiceArea")
    for name, description in SERVICE_AREAS:
        ServiceArea.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("hub", "0002_case_studies")]

    operations = [migrations.RunPython(create_service_areas, migrations.RunPython.noop)]
