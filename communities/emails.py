"""Emails from communities. Each carries a one-click unsubscribe for that community.

The unsubscribe token is signed and names one membership: it works without signing in and
only ever changes that recipient's setting for that community.
"""

from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from home.links import absolute_url

UNSUBSCRIBE_SALT = "communities.unsubscribe"


def unsubscribe_token(membership_id: int) -> str:
    return signing.dumps({"m": membership_id}, salt=UNSUBSCRIBE_SALT)


def membership_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


# The name the community services already call.
absolute = absolute_url


def unsubscribe_url(membership_id: int) -> str:
    return absolute(
        reverse(
            "communities:unsubscribe",
            kwargs={"token": unsubscribe_token(membership_id)},
        )
    )


def community_email(*, membership, subject: str, template: str, context: dict) -> EmailMessage:
    """An email to one member about one community, with List-Unsubscribe headers (RFC 8058)."""
    link = unsubscribe_url(membership.pk)
    body = render_to_string(
        template,
        {
            **context,
            "community": membership.community,
            "recipient": membership.user,
            "unsubscribe_url": link,
            "community_url": absolute(membership.community.url or ""),
        },
    )
    return EmailMessage(
        subject=f"{membership.community.title}: {subject}",
        body=body,
        to=[membership.user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def plain_email(*, to: str, subject: str, template: str, context: dict) -> EmailMessage:
    """An email that is not about community content (invitations, decisions)."""
    return EmailMessage(subject=subject, body=render_to_string(template, context), to=[to])
