from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities of practice"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed, user_signed_up

        email_confirmed.connect(_email_confirmed, dispatch_uid="communities.invitations.email_confirmed")
        user_signed_up.connect(_user_signed_up, dispatch_uid="communities.invitations.user_signed_up")


def _welcome(request, communities) -> None:
    from django.contrib import messages

    if request is not None and communities:
        names = ", ".join(community.title for community in communities)
        messages.success(request, f"You were invited, so you are now a member of {names}.", fail_silently=True)


def _email_confirmed(sender, request, email_address, **kwargs) -> None:
    """A confirmed address collects the community invitations sent to it before sign-up."""
    from communities.services import invitations_accept_for_email

    _welcome(request, invitations_accept_for_email(user=email_address.user, email=email_address.email))


def _user_signed_up(sender, request, user, **kwargs) -> None:
    """Sign-ups whose address is already verified (no confirmation step) collect them too."""
    from allauth.account.models import EmailAddress

    from communities.services import invitations_accept_for_email

    for address in EmailAddress.objects.filter(user=user, verified=True):
        _welcome(request, invitations_accept_for_email(user=user, email=address.email))
