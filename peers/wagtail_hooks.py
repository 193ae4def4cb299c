"""What the peer programme adds to the shared pages (home.extensions)."""

from django.urls import reverse

from wagtail import hooks

from home import extensions
from peers.roles import is_peer_organiser


@hooks.register(extensions.NAVIGATION_ITEMS)
def peers_navigation():
    return extensions.Link(label="Peer challenge", url="/peers/", order=60)


@hooks.register(extensions.ACCOUNT_LINKS)
def peers_account_links(request):
    if not request.user.is_authenticated:
        return []
    links = [
        extensions.Link(label="Your peer challenges and invitations", url=reverse("peers:overview"), order=60),
        extensions.Link(label="Your peer record and availability", url=reverse("peers:record"), order=61),
    ]
    if is_peer_organiser(request.user):
        links.append(extensions.Link(label="Peer programme calendar", url=reverse("peers:programme"), order=62))
    return links


@hooks.register(extensions.DEMO_DATA)
def peers_demo():
    return extensions.DemoStep(name="peers", module="peers.demo", order=60)
