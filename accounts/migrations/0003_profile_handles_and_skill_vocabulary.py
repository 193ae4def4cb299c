from django.db import migrations
from django.utils.text import slugify

# A copy of accounts.services.DEFAULT_SKILLS at the time of writing: migrations must not
# change when the service does.
SKILLS = {
    "Homelessness prevention": "homelessness, rough sleeping",
    "Temporary accommodation": "TA, emergency accommodation",
    "Budget setting": "budgets, revenue budget, finance",
    "Medium-term financial planning": "MTFS, MTFP, financial strategy, finance",
    "Commissioning": "procurement of care, contract management",
    "Special educational needs": "SEND, SEN, EHCP, education health and care plans",
    "Safeguarding": "child protection, adult safeguarding",
    "Service design": "design thinking, user-centred design",
    "User research": "UR, usability testing",
    "Data analysis": "analytics, data science, insight",
    "Procurement": "purchasing, tendering, contracts",
    "Local plans": "planning policy, local development plan",
    "Net zero": "decarbonisation, carbon reduction, climate",
    "Community engagement": "consultation, co-production, participation",
    "Scrutiny": "overview and scrutiny, oversight",
    "Performance management": "KPIs, performance indicators",
    "Change management": "organisational change, transformation",
    "Workforce planning": "recruitment, HR, human resources",
    "Fire prevention": "home fire safety, community fire safety",
    "Agile delivery": "agile, scrum, delivery management",
}


def forwards(apps, schema_editor):
    Skill = apps.get_model("accounts", "Skill")
    Profile = apps.get_model("accounts", "Profile")
    for name, synonyms in SKILLS.items():
        Skill.objects.get_or_create(
            name=name, defaults={"slug": slugify(name), "synonyms": synonyms}
        )
    taken = set(
        Profile.objects.exclude(handle=None).values_list("handle", flat=True)
    )
    for profile in Profile.objects.filter(handle=None).select_related("user"):
        user = profile.user
        base = slugify(f"{user.first_name} {user.last_name}".strip()) or slugify(
            user.email.split("@")[0]
        ) or "person"
        handle, counter = base[:70], 2
        while handle in taken:
            handle = f"{base[:70]}-{counter}"
            counter += 1
        taken.add(handle)
        profile.handle = handle
        profile.save(update_fields=["handle"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_profile_peers_privacy_skills")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
