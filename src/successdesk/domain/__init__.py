"""Pure business rules: no Django, no clock, no settings, no database.

Time, calendars and entitlements are passed in by the caller.
"""
