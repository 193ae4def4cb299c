"""Error messages that say what to enter, for every form on the site.

The GOV.UK Design System asks every error to tell the person what to do ("Enter your email
address", "Select a topic"), never "This field is required.". Rather than each form spelling
them out, the site's form renderer (FORM_RENDERER) gives every form a bound field class that
replaces Django's generic messages with ones derived from the field's label and widget. A
message a form declares itself (``error_messages=``) is kept: only Django's own defaults are
replaced. allauth's forms, the Hub's and every new app's get it without being edited.
"""

import copy
import functools
import re

from django import forms
from django.core import validators
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.text import capfirst

# Fields people answer about themselves read "Enter your ...".
PERSONAL = {
    "email",
    "email address",
    "name",
    "first name",
    "last name",
    "full name",
    "password",
    "current password",
    "new password",
    "job title",
    "organisation",
    "reply",
    "comment",
    "message",
    "phone number",
    "telephone number",
    "reason",
}
OPTIONAL = re.compile(r"\s*\(optional\)\s*$", re.IGNORECASE)


@functools.cache
def _generic_messages() -> frozenset[str]:
    """Django's own default messages, from every form field class it ships."""
    classes = [forms.Field]
    found = set()
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        if cls.__module__.startswith("django."):
            found.update(str(message) for message in getattr(cls, "default_error_messages", {}).values())
    return frozenset(found)


def is_generic(message) -> bool:
    """True for a message Django gives every field alike ("This field is required.")."""
    return str(message) in _generic_messages()


def _phrase(label: str) -> str:
    """The label as it reads inside a sentence: "Email address" -> "email address"; "SEND" stays."""
    label = OPTIONAL.sub("", str(label)).strip().rstrip(":")
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _object(label: str) -> str:
    """The label with "your", "a" or "an" as GOV.UK writes it: "your email address", "a title"."""
    phrase = _phrase(label)
    lowered = phrase.lower()
    if lowered.startswith(("your ", "the ", "a ", "an ")):
        return phrase
    if lowered in PERSONAL or lowered.startswith("new "):
        return f"your {phrase}"
    if lowered.endswith("s") and not lowered.endswith(("ss", "us", "is")):
        return phrase  # plural: "Enter themes"
    return f"{'an' if lowered[:1] in 'aeiou' else 'a'} {phrase}"


def govuk_messages(field: forms.Field, label: str) -> dict[str, str]:
    """What to say for each of Django's error codes, for this field."""
    phrase, thing = _phrase(label), _object(label)
    name = capfirst(phrase)
    question = phrase.endswith("?")
    widget = field.widget
    choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
        widget, forms.Select | forms.RadioSelect | forms.CheckboxSelectMultiple
    )
    if isinstance(field, forms.FileField):
        required = f"Select {thing}" if "file" in phrase.lower() else f"Select a file for {phrase}"
    elif isinstance(field, forms.BooleanField):
        required = f"Select “{capfirst(phrase)}” to continue"
    elif phrase.lower().startswith("confirm "):
        required = f"Confirm your {phrase[len('confirm ') :]}"  # "Confirm your new password"
    elif question:
        required = f"Answer the question “{capfirst(phrase)}”"
    elif choosing:
        required = f"Select {thing}"
    else:
        required = f"Enter {thing}"
    from_list = f"Select {thing} from the list"  # noqa: S608 - a sentence, not SQL
    messages = {
        "required": required,
        "invalid_choice": from_list,
        "invalid_pk_value": from_list,
        "invalid_list": from_list,
        "empty": "The selected file is empty",
        "missing": "Select a file",
        "invalid_image": "The selected file must be an image",
        "contradiction": f"Select a file for {phrase} or clear it, not both",
    }
    if isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = "Enter a web address in the correct format, like https://www.example.gov.uk"
    elif isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        messages["invalid"] = f"{name} must be a number"
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        messages["invalid"] = f"{name} must be a real date"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"{name} must be a real time"
    elif isinstance(field, forms.SlugField):
        messages["invalid"] = f"{name} must only include letters, numbers, hyphens and underscores"
    else:
        messages["invalid"] = f"Enter {thing} in the correct format"
    return messages


_LIMITS = {
    validators.MaxLengthValidator: "{name} must be %(limit_value)d characters or fewer",
    validators.MinLengthValidator: "{name} must be %(limit_value)d characters or more",
    validators.MaxValueValidator: "{name} must be %(limit_value)s or less",
    validators.MinValueValidator: "{name} must be %(limit_value)s or more",
}


class GovukBoundField(BoundField):
    """A bound field whose field says, in GOV.UK words, what to enter.

    The form's fields are its own deep copies, so changing their messages here affects this
    form instance only. Every field is bound before it is cleaned (Form._clean_fields).
    """

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        label = self.label or name
        for code, message in govuk_messages(field, label).items():
            current = field.error_messages.get(code)
            if current is None or is_generic(current):
                field.error_messages[code] = message
        name_in_sentence = capfirst(_phrase(label))
        for index, validator in enumerate(field.validators):
            template = _LIMITS.get(type(validator))
            if template and str(validator.message) == str(type(validator).message):
                # A copy: the validator instances are shared with the form class's base fields.
                field.validators[index] = validator = copy.copy(validator)
                validator.message = template.format(name=name_in_sentence)


class GovukFormRenderer(DjangoTemplates):
    """Django's default renderer, binding fields with GOV.UK error messages (FORM_RENDERER)."""

    bound_field_class = GovukBoundField
