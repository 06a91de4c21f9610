"""Business rules: what may happen to the portal's records, and the changes themselves.

Views and commands call these functions with the acting user first, then the object, then
the details. A rule that says "not now" (wrong status, stale form, closed year, a
duplicate) raises `NotNow` with a message for the user; a role that may never act raises
`PermissionDenied`.
"""
