from . import accounts, areas, audit_log, commendations, criteria, lineage, reasons, registrations, units  # noqa: F401 — registers the admins
