"""The vendor's products and services, and which package covers which
(``successdesk/data/products.json``). Loading is idempotent and never edits what exists:
admins' edits in the Django admin stay."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.db import transaction

from successdesk.domain.errors import InvalidInput

from .models import Package, Product, ProductCoverage


def products_data() -> list[dict[str, Any]]:
    text = resources.files("successdesk.data").joinpath("products.json").read_text("utf-8")
    products: list[dict[str, Any]] = json.loads(text)["products"]
    return products


@transaction.atomic
def products_load(specs: list[dict[str, Any]] | None = None) -> list[Product]:
    """Create the products, and each one's coverage by every package, that do not exist yet.
    A package not named in a product's ``covered_by`` does not cover it. Returns the
    products created."""
    specs = products_data() if specs is None else specs
    packages = {p.slug: p for p in Package.objects.all()}
    created: list[Product] = []
    for spec in specs:
        unknown = sorted(set(spec.get("covered_by", [])) - set(packages))
        if unknown:
            raise InvalidInput(
                f"Product {spec['slug']!r} names unknown package(s) {', '.join(unknown)} in "
                f"covered_by. Use package slugs: {', '.join(sorted(packages))}.",
                field="covered_by",
            )
        product, made = Product.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "vendor_owned": bool(spec.get("vendor_owned", True)),
                "description": spec.get("description", ""),
            },
        )
        if made:
            created.append(product)
        for slug, package in packages.items():
            ProductCoverage.objects.get_or_create(
                product=product,
                package=package,
                defaults={
                    "covered": slug in spec.get("covered_by", []),
                    "note": spec.get("note", ""),
                },
            )
    return created
