"""Bulk loading for the list benchmarks: one ``INSERT … SELECT … FROM generate_series`` per
step inside PostgreSQL (no row goes through Python), secondary indexes dropped for the load
and built again after it, then ``VACUUM ANALYZE``."""

from __future__ import annotations

import time
from typing import Any

from _harness import pg_connect


def columns_of(conn: Any, table_name: str) -> list[tuple[str, str, bool, bool]]:
    """(name, data type, nullable, has a default) of every column, in table order."""
    rows = conn.execute(
        "SELECT column_name, data_type, is_nullable = 'YES', "
        "column_default IS NOT NULL OR is_identity = 'YES' "
        "FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        (table_name,),
    ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def filler(data_type: str) -> str:
    """A value for a NOT NULL column the loader does not know (added by later migrations)."""
    if data_type == "boolean":
        return "false"
    if data_type in {"smallint", "integer", "bigint", "numeric", "double precision", "real"}:
        return "0"
    if data_type == "jsonb":
        return "'{}'::jsonb"
    if data_type.startswith("timestamp"):
        return "now()"
    if data_type == "date":
        return "current_date"
    return "''"


def insert_select(
    conn: Any, table_name: str, known: dict[str, str], source_sql: str, params: dict[str, Any]
) -> None:
    """INSERT INTO table SELECT … with ``known`` expressions; other NOT NULL columns filled."""
    names: list[str] = []
    exprs: list[str] = []
    for name, data_type, nullable, has_default in columns_of(conn, table_name):
        if name in known:
            names.append(f'"{name}"')
            exprs.append(known[name])
        elif not nullable and not has_default:
            names.append(f'"{name}"')
            exprs.append(filler(data_type))
    unknown = set(known) - {n.strip('"') for n in names}
    if unknown:
        raise SystemExit(f"{table_name} has no column(s) {sorted(unknown)}")
    conn.execute(
        f"INSERT INTO {table_name} ({', '.join(names)}) SELECT {', '.join(exprs)} {source_sql}",
        params,
    )


def secondary_indexes(conn: Any, table_name: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes that back no constraint (primary key, unique)."""
    rows = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = %s AND i.indexname NOT IN ("
        "  SELECT c.conname FROM pg_constraint c WHERE c.conrelid = %s::regclass)",
        (table_name, table_name),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def bulk_load(database: str, table_name: str, load: Any) -> float:
    """Drop the secondary indexes, run ``load(conn)``, build them again, VACUUM ANALYZE."""
    started = time.monotonic()
    with pg_connect(database) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers: data is sound
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = secondary_indexes(conn, table_name)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        load(conn)
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute(f"VACUUM ANALYZE {table_name}")
    return time.monotonic() - started
