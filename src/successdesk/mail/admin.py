from django.contrib import admin

from .models import InboundMessage, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = ["name", "address", "kind", "is_active", "last_polled_at"]
    exclude = ["imap_secret", "oauth_client_secret"]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = ["identity", "source", "state", "from_address", "subject", "received_at"]
    list_filter = ["state", "source"]
    exclude = ["raw"]
