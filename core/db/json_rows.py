"""Rows taken along as one JSON value: what lets a statement bring a one-to-many read with it
without repeating its own row once per child."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ColumnElement, func


def json_rows(dialect: str, columns: list[Any], json_columns: tuple[Any, ...] = ()) -> ColumnElement[Any]:
    """An aggregate of the selected rows as one JSON array of arrays, each the values of
    ``columns`` in their order (None when no row is selected): ``json_agg(json_build_array(…))``
    on PostgreSQL, ``json_group_array(json_array(…))`` on SQLite. SQLite keeps JSON as text, so
    the columns of ``json_columns`` (the same column objects) go through ``json()`` there and
    come back as values, not as strings."""
    if dialect == "postgresql":
        return func.json_agg(func.json_build_array(*columns), type_=JSON)
    return func.json_group_array(func.json_array(*[
        func.json(column) if any(column is json for json in json_columns) else column
        for column in columns]), type_=JSON)
