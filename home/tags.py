"""One casing for tags (themes, skills, interests, topics): sentence case, as GOV.UK writes labels.

Tags from different places (a profile's skills and interests, a case study's themes, a
thread's topics, the admin's tag field) share taggit's one Tag table and are shown side by
side in filters and on pages, so "Net zero" beside "partnership" reads as two styles. Every
tag name is normalised as its row is saved (``tag_name_normalise``, connected in
home.apps): spaces collapsed, the first letter capitalised, the rest kept as typed so
acronyms ("SEND", "NHS") survive. taggit is case-insensitive (TAGGIT_CASE_INSENSITIVE), so
"net zero" typed later finds "Net zero".
"""


def tag_name(text: str) -> str:
    name = " ".join((text or "").split())
    return name[:1].upper() + name[1:]


def tag_name_normalise(sender, instance, **kwargs) -> None:
    """pre_save of taggit's Tag: a signal because the model is taggit's, and every way a tag is
    made (taggit's managers, the admin, demo data, bulk imports through save) passes here."""
    instance.name = tag_name(instance.name)
