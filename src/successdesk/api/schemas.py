"""Schemas shared by several API modules."""

from __future__ import annotations

from ninja import Schema


class CustomerRef(Schema):
    id: int
    name: str
    slug: str
