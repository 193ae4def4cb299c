"""ICS feeds, so challenge dates land in Outlook: one per peer, one per challenge."""

from datetime import timedelta

from icalendar import Calendar, Event

from django.conf import settings
from django.urls import reverse

from peers import selectors
from peers.models import Challenge, PeerRecord, StepKind


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Knowledge Hub//Peer programme//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _events(challenge: Challenge) -> list[Event]:
    url = settings.SITE_URL.rstrip("/") + reverse("peers:challenge", args=[challenge.pk])
    events = []
    for step in challenge.steps.all():
        event = Event()
        event.add("uid", f"peers-step-{step.pk}@knowledgehub")
        event.add("summary", f"{step.get_kind_display()}: {challenge.council}")
        event.add("dtstart", step.due_on)
        days = challenge.days_on_site if step.kind == StepKind.ON_SITE else 1
        event.add("dtend", step.due_on + timedelta(days=days))
        event.add("url", url)
        events.append(event)
    if not events:
        # Not yet confirmed: the week requested is all there is.
        event = Event()
        event.add("uid", f"peers-challenge-{challenge.pk}@knowledgehub")
        event.add("summary", f"{challenge.get_kind_display()} (requested): {challenge.council}")
        event.add("dtstart", challenge.starts_on)
        event.add("dtend", challenge.starts_on + timedelta(days=challenge.days_on_site))
        event.add("url", url)
        events.append(event)
    return events


def person_feed(record: PeerRecord) -> bytes:
    calendar = _calendar("Your peer challenges")
    for challenge in selectors.feed_challenges_for(record):
        for event in _events(challenge):
            calendar.add_component(event)
    return calendar.to_ical()


def challenge_feed(challenge: Challenge) -> bytes:
    calendar = _calendar(f"Peer challenge: {challenge.council}")
    for event in _events(challenge):
        calendar.add_component(event)
    return calendar.to_ical()
