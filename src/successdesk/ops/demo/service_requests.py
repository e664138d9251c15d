"""Demo service requests for Northwind and the campaign content library. Idempotent."""

from __future__ import annotations

from successdesk.accounts.models import Customer, User
from successdesk.library.models import ContentItem
from successdesk.service_requests.models import ServiceRequest
from successdesk.service_requests.services import (
    service_request_advance,
    service_request_assign,
    service_request_submit,
)

LIBRARY = [
    {
        "slug": "welcome-new-advocates-email",
        "title": "Welcome e-mail for new advocates",
        "kind": ContentItem.Kind.EMAIL_TEMPLATE,
        "summary": "A short, warm first e-mail that invites new advocates to their first "
        "challenge.",
        "body": "Subject: Welcome to {hub_name}, {first_name}!\n\nHi {first_name},\n\n"
        "Thanks for joining {hub_name}. Your first challenge takes two minutes: tell us "
        "what you love about {product}.\n\n{cta_button}\n\nSee you inside,\n{sender_name}",
        "tags": "onboarding, email, welcome",
        "version": 2,
    },
    {
        "slug": "share-your-story-challenge",
        "title": "Share your story challenge",
        "kind": ContentItem.Kind.CHALLENGE,
        "summary": "Collect customer stories with a three-question challenge.",
        "body": "1. What problem were you solving?\n2. How did {product} help?\n"
        "3. What result can you share (numbers welcome)?\n\nPoints: 150. Badge: Storyteller.",
        "tags": "advocacy, stories, references",
        "version": 1,
    },
    {
        "slug": "referral-program-landing-page",
        "title": "Referral program landing page",
        "kind": ContentItem.Kind.LANDING_PAGE,
        "summary": "Hero, three benefits and a referral form, ready to brand.",
        "body": "<h1>Know someone who'd love {product}?</h1>\n<p>Refer them and earn "
        "{reward}.</p>\n<ul><li>Easy</li><li>Rewarding</li><li>Tracked</li></ul>\n"
        "{referral_form}",
        "tags": "referrals, landing page",
        "version": 1,
    },
    {
        "slug": "advocate-nps-survey",
        "title": "Advocate NPS survey",
        "kind": ContentItem.Kind.SURVEY,
        "summary": "Net Promoter Score plus two follow-up questions.",
        "body": "Q1. How likely are you to recommend {product} to a colleague? (0-10)\n"
        "Q2. What is the main reason for your score?\nQ3. What should we do better?",
        "tags": "feedback, nps, survey",
        "version": 1,
    },
]


def _library() -> None:
    for entry in LIBRARY:
        ContentItem.objects.get_or_create(slug=entry["slug"], defaults=entry)


def _requests() -> None:
    northwind = Customer.objects.filter(slug="northwind").first()
    requester = User.objects.filter(email="user@northwind.example").first()
    agent = User.objects.filter(email="agent@vendor.example").first()
    specialist = User.objects.filter(email="specialist@vendor.example").first()
    if None in (northwind, requester, agent, specialist):
        return
    assert requester is not None and agent is not None and specialist is not None
    if ServiceRequest.objects.filter(customer=northwind).exists():
        return
    csv = service_request_submit(
        requester=requester,
        kind="csv_import",
        details="Import the 240 advocates of the attached Salesforce export into the "
        "'Spring 2026' group.",
    )
    for step in ("accepted", "in_progress"):
        service_request_advance(service_request=csv, to=step, by=agent)
    service_request_advance(
        service_request=csv,
        to="delivered",
        by=agent,
        reason="240 advocates imported; 3 duplicates merged.",
    )
    review = service_request_submit(
        requester=requester,
        kind="campaign_review",
        details="Review our 'Refer a friend' campaign: sign-ups dropped by half since March.",
    )
    service_request_advance(service_request=review, to="accepted", by=agent)
    service_request_assign(service_request=review, assignee=specialist, by=agent)
    service_request_advance(service_request=review, to="in_progress", by=specialist)
    service_request_submit(
        requester=requester,
        kind="mass_targeting",
        details="Target every advocate in Ontario with the June webinar challenge.",
    )


def load() -> None:
    _library()
    _requests()
