"""What accounts tells the rest of the site, without knowing who listens, and what it hears
from allauth.

`profiles_changed` is sent inside the writing transaction with the ids of the people whose
profile (or organisation) changed; a feature that keeps a copy of profiles (people search's
index) connects to it and does its own work after commit.

The receivers below only hand allauth's events to services (no logic in signals): a confirmed
address may make its owner a verified member of the organisation on its domain, and a new
account's chosen organisation becomes a request to join it.
"""

from allauth.account.signals import email_confirmed, user_signed_up

from django.dispatch import Signal, receiver

profiles_changed = Signal()  # sender: the Profile model; keyword argument: user_ids (list[int])


@receiver(email_confirmed, dispatch_uid="accounts.membership_on_email_confirmed")
def membership_on_email_confirmed(sender, request, email_address, **kwargs):
    from accounts.services import membership_verify_by_email

    membership_verify_by_email(user=email_address.user, email=email_address.email)


@receiver(user_signed_up, dispatch_uid="accounts.membership_on_sign_up")
def membership_on_sign_up(sender, request, user, **kwargs):
    from accounts.services import membership_request

    membership_request(user=user, organisation=user.organisation)
