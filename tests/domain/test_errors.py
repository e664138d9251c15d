from __future__ import annotations

from successdesk.domain.errors import InvalidCursor


def test_a_refused_cursor_says_how_to_go_on_and_names_its_field() -> None:
    problem = InvalidCursor("The cursor cannot be read.").as_problem()
    assert problem["code"] == "invalid_cursor"
    assert problem["status"] == 422
    assert problem["field"] == "cursor"
    assert problem["detail"].startswith("The cursor cannot be read. Use the `next_cursor`")
