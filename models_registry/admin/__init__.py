from . import accounts, areas, audit_log, commendations, criteria, registrations, units  # noqa: F401 — registers the admins
