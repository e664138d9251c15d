from django.urls import path

from . import customers

urlpatterns = [
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer"),
    path("customers/<int:pk>/package/", customers.package_change, name="customer_package"),
    path("customers/<int:pk>/contacts/add/", customers.contact_add, name="customer_contact_add"),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/remove/",
        customers.contact_remove,
        name="customer_contact_remove",
    ),
    path(
        "customers/<int:pk>/contacts/transfer/",
        customers.contact_transfer,
        name="customer_contact_transfer",
    ),
    path("customers/<int:pk>/training/", customers.training_record, name="customer_training"),
    path("fees/", customers.fee_list, name="fees"),
    path("fees.csv", customers.fee_export, name="fees_csv"),
    path("training/import/", customers.training_import, name="training_import"),
]
