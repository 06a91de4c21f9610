from . import accounts, areas, commendations, criteria, registrations, units  # noqa: F401 — registers the admins
