"""The open-time engine behind :class:`~successdesk.domain.calendars.BusinessCalendar`.

Everything here works on integers: instants are microseconds since the Unix epoch (UTC),
durations are microseconds, local dates are days since 1970-01-01 ("epoch days") and a
window is a pair of microseconds since the start of its local date (the end may be a
whole day, i.e. midnight at the end of that date).

The rule (see docs/sla.md): an instant is open when its local wall-clock time, on its
local date, falls inside an open window of that date. Wall times in a spring-forward gap
never happen; wall times in a fall-back overlap happen twice and count both times.

Time is cut into fixed UTC chunks of ``CHUNK_DAYS`` days. A chunk holds the merged open
intervals that fall inside it and their running totals, so ``add`` and ``between`` are a
bisection inside a chunk plus one subtraction per whole chunk skipped: the cost barely
depends on the length of the duration. Chunks are built on first use and cached.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from successdesk.domain.errors import CalendarError

US = timedelta(microseconds=1)
SECOND_US = 1_000_000
HOUR_US = 3600 * SECOND_US
DAY_US = 24 * HOUR_US
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

CHUNK_DAYS = 128
CHUNK_US = CHUNK_DAYS * DAY_US
# Offsets are sampled this often when a chunk is built, and changes are then found to the
# second by bisection. A change would be missed only if the offset changed and changed
# back within this span; no zone in the tz database does that (changes are months apart).
SAMPLE_US = 6 * HOUR_US
_NO_OFFSET = timedelta(0)

# Supported instants: whole chunks that keep every local date in year 1..9999.
FIRST_CHUNK = -((EPOCH - datetime(1, 1, 3, tzinfo=UTC)) // US // CHUNK_US)
END_CHUNK = (datetime(9999, 12, 29, tzinfo=UTC) - EPOCH) // US // CHUNK_US
MIN_US = FIRST_CHUNK * CHUNK_US
MAX_US = END_CHUNK * CHUNK_US  # exclusive

Windows = tuple[tuple[int, int], ...]
# (starts, ends, cumulative open time at each end, total open time) of one chunk
Chunk = tuple[list[int], list[int], list[int], int]


def to_datetime(us: int, tz: tzinfo) -> datetime:
    """The aware datetime in ``tz`` for an instant in epoch microseconds (exact: integer
    seconds, then the microseconds; ``fold`` is set in a repeated hour)."""
    seconds, micro = divmod(us, SECOND_US)
    value = datetime.fromtimestamp(seconds, tz)
    return value.replace(microsecond=micro) if micro else value


class Timeline:
    """Open intervals of a weekly schedule with per-date exceptions, in one time zone."""

    max_chunks = 4096  # chunks kept (128 days each: 1,400 years); then the cache restarts

    def __init__(self, tz: ZoneInfo, weekly: tuple[Windows, ...], special: Mapping[int, Windows]):
        self._tz = tz
        self._weekly = weekly  # index 0 = Monday
        self._special = dict(special)  # epoch day -> that date's windows
        self.chunks: dict[int, Chunk] = {}

    def chunk(self, k: int) -> Chunk:
        """Chunk ``k`` (instants ``[k * CHUNK_US, (k + 1) * CHUNK_US)``), built once."""
        found = self.chunks.get(k)
        if found is None:
            if len(self.chunks) >= self.max_chunks:
                self.chunks.clear()
            found = self.chunks[k] = self._build_chunk(k)
        return found

    # -- building ------------------------------------------------------------------------

    def windows(self, day: int) -> Windows:
        """The open windows of an epoch day (1970-01-01, epoch day 0, was a Thursday)."""
        special = self._special.get(day)
        return self._weekly[(day + 3) % 7] if special is None else special

    def _offset(self, us: int) -> timedelta:
        """The zone's UTC offset at an instant (offsets change on whole seconds)."""
        return datetime.fromtimestamp(us // SECOND_US, self._tz).utcoffset() or _NO_OFFSET

    def _pieces(self, a: int, b: int) -> list[tuple[int, int, int]]:
        """Split ``[a, b)`` into runs of constant UTC offset: ``(start, end, offset)``."""
        pieces: list[tuple[int, int, int]] = []
        start, offset, t = a, self._offset(a), a
        while t < b:
            t2 = min(t + SAMPLE_US, b)
            if self._offset(t2) == offset:
                t = t2
                continue
            lo, hi = t // SECOND_US, t2 // SECOND_US  # offsets change on whole seconds
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if self._offset(mid * SECOND_US) == offset:
                    lo = mid
                else:
                    hi = mid
            t = hi * SECOND_US
            pieces.append((start, t, offset // US))
            start, offset = t, self._offset(t)
        pieces.append((start, b, offset // US))
        return pieces

    def _build_chunk(self, k: int) -> Chunk:
        a = k * CHUNK_US
        b = a + CHUNK_US
        pieces = self._pieces(a, b)
        found: list[tuple[int, int]] = []
        # Any local date whose instants can reach into [a, b): offsets stay within a day.
        for day in range(a // DAY_US - 1, (b - 1) // DAY_US + 2):
            base = day * DAY_US
            for ws, we in self.windows(day):
                for p0, p1, offset in pieces:
                    lo = max(p0, base + ws - offset)
                    hi = min(p1, base + we - offset)
                    if lo < hi:
                        found.append((lo, hi))
        found.sort()
        starts: list[int] = []
        ends: list[int] = []
        cums: list[int] = []
        total = 0
        for lo, hi in found:
            if ends and lo <= ends[-1]:  # touching (open sets never overlap): extend
                total += hi - ends[-1]
                ends[-1] = hi
                cums[-1] = total
            else:
                total += hi - lo
                starts.append(lo)
                ends.append(hi)
                cums.append(total)
        return starts, ends, cums, total

    def _next_chunk(self, k: int) -> Chunk:
        if k + 1 >= END_CHUNK:
            raise CalendarError(
                "The calendar has no open time left before the end of year 9999; "
                "check its holidays and closures, or use a shorter duration."
            )
        return self.chunk(k + 1)

    # -- queries (instants and durations in microseconds) ---------------------------------

    def is_open(self, t: int) -> bool:
        starts, ends, _, _ = self.chunk(t // CHUNK_US)
        i = bisect_right(starts, t) - 1
        return i >= 0 and t < ends[i]

    def next_open(self, t: int) -> int:
        k = t // CHUNK_US
        starts, ends, _, _ = self.chunk(k)
        i = bisect_right(ends, t)
        while i == len(ends):
            starts, ends, _, _ = self._next_chunk(k)
            k += 1
            i = 0
        return max(starts[i], t)

    def next_close(self, t: int, horizon: int) -> int | None:
        """The end of the open period at or after ``t``; None past ``t + horizon``."""
        t = self.next_open(t)
        k = t // CHUNK_US
        starts, ends, _, _ = self.chunk(k)
        end = ends[bisect_right(ends, t)]
        while end == (k + 1) * CHUNK_US:  # open up to the chunk's edge: look past it
            if k + 1 >= END_CHUNK or end - t > horizon:
                return None
            k += 1
            starts, ends, _, _ = self.chunk(k)
            if not starts or starts[0] != end:
                break
            end = ends[0]
        return end

    def add(self, s: int, d: int) -> int:
        """The first instant at which ``d`` (> 0) of open time has elapsed after ``s``."""
        k = s // CHUNK_US
        starts, ends, cums, total = self.chunks.get(k) or self.chunk(k)
        i = bisect_right(ends, s)
        used = cums[i] - ends[i] + max(starts[i], s) if i < len(ends) else total
        target = used + d
        while target > total:
            target -= total
            starts, ends, cums, total = self._next_chunk(k)
            k += 1
        j = bisect_left(cums, target)
        return ends[j] - cums[j] + target

    def _open_before(self, chunk: Chunk, t: int) -> int:
        """Open time from the start of ``chunk`` up to the instant ``t`` inside it."""
        starts, ends, cums, _ = chunk
        i = bisect_right(starts, t) - 1
        if i < 0:
            return 0
        return cums[i] - max(ends[i] - t, 0)

    def between(self, a: int, b: int) -> int:
        if b <= a:
            return 0
        ka, kb = a // CHUNK_US, b // CHUNK_US
        first = self.chunk(ka)
        if ka == kb:
            return self._open_before(first, b) - self._open_before(first, a)
        total = first[3] - self._open_before(first, a)
        for k in range(ka + 1, kb):
            total += self.chunk(k)[3]
        return total + self._open_before(self.chunk(kb), b)
