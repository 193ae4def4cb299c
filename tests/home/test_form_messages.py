"""Every error says what to enter (GOV.UK Design System), on every form of the site.

The forms are discovered: each project app's forms module, and allauth's forms as
ACCOUNT_FORMS configures them, so a new form cannot slip through with "This field is required.".
"""

import copy
import importlib
import importlib.util
import inspect
from pathlib import Path

import pytest

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

from home.forms import is_generic


def project_form_classes() -> list[type[forms.BaseForm]]:
    for app in apps.get_app_configs():
        local = Path(app.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(app.path).parts
        if local and importlib.util.find_spec(f"{app.name}.forms"):
            importlib.import_module(f"{app.name}.forms")
    found, stack = set(), [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        module = inspect.getmodule(cls)
        in_project = module is not None and Path(module.__file__).is_relative_to(settings.BASE_DIR)
        if in_project and ".venv" not in Path(module.__file__).parts and not cls.__name__.startswith("_"):
            found.add(cls)
    found.update(import_string(path) for path in settings.ACCOUNT_FORMS.values())
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def instantiate(cls):
    """The form unbound, passing None for any argument its constructor insists on.

    A form whose constructor needs real objects (a simulation, its lines) is checked on its
    declared fields, bound by a plain form with the site's renderer.
    """
    parameters = inspect.signature(cls.__init__).parameters.values()
    needed = {
        p.name: None
        for p in parameters
        if p.name != "self" and p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    try:
        return cls(**needed)
    except (TypeError, AttributeError, ValueError):
        host = forms.Form()
        host.fields = copy.deepcopy(cls.base_fields)
        return host


FORMS = project_form_classes()


def test_the_walk_finds_the_forms_people_see_most():
    names = {cls.__qualname__ for cls in FORMS}
    assert {"SignupForm", "LoginForm", "ThreadForm", "ReviewForm", "AboutStepForm", "SiteSearchForm"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_no_field_of_any_form_has_a_generic_required_or_invalid_message(form_class):
    form = instantiate(form_class)
    generic = {}
    for name in form.fields:
        field = form[name].field
        for code in ("required", "invalid", "invalid_choice"):
            if code in field.error_messages and is_generic(field.error_messages[code]):
                generic[f"{name}.{code}"] = str(field.error_messages[code])
    assert generic == {}


@pytest.mark.django_db
def test_sign_up_errors_say_what_to_enter(client):
    html = client.post("/accounts/signup/", {}).content.decode()
    for message in (
        "Enter your email address",
        "Enter your first name",
        "Enter a password",
        "Enter the password again to confirm it",
    ):
        assert message in html
    assert "This field is required" not in html
    bad = client.post("/accounts/signup/", {"email": "not-an-address"}).content.decode()
    assert "Enter an email address in the correct format, like name@example.com" in bad


def test_thread_and_length_errors_say_what_to_enter():
    from communities.forms import ThreadForm

    form = ThreadForm(data={"title": "x" * 201})
    assert not form.is_valid()
    assert form.errors["title"] == ["Title must be 200 characters or fewer"]
    assert form.errors["body"] == ["Enter what you want to discuss"]
    assert ThreadForm(data={}).errors["title"] == ["Enter a title for your thread"]
