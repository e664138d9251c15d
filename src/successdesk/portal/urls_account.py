from django.urls import path

from . import account

urlpatterns = [
    path("account/package/", account.package, name="account_package"),
    path("account/contacts/", account.contacts, name="account_contacts"),
    path("account/contacts/add/", account.contact_add, name="account_contact_add"),
    path(
        "account/contacts/<int:pk>/remove/", account.contact_remove, name="account_contact_remove"
    ),
    path("account/contacts/transfer/", account.contact_transfer, name="account_contact_transfer"),
    path("account/users/", account.users, name="account_users"),
    path(
        "account/users/<int:user_id>/reset-password/",
        account.password_reset_for,
        name="account_user_reset",
    ),
    path(
        "account/users/<int:user_id>/unlock/",
        account.unlock_for,
        name="account_user_unlock",
    ),
    path(
        "account/users/<int:user_id>/email/",
        account.email_change_for,
        name="account_user_email",
    ),
]
