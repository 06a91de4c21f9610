"""The one import engine for registrations, units and commendations.

    table = read(fileobj, file_name)             # parse once (bounded; Refused with a message)
    report = run(kind, table, file_name, user)   # check every row, write nothing
    report = run(kind, table, file_name, user, write=True)   # check again and write whole

`import_file` does both steps for the management commands; the portal keeps the parsed
table between preview and confirm with `pending` (uploads.py), so a file is parsed once
however often its preview is opened.
"""
from ...models import ImportBatch
from . import engine
from .commendations import CommendationImporter
from .problems import ACTION_LABELS, CREATE, ERROR, UNCHANGED, UPDATE, Problem, Report, RowOutcome
from .reader import Limits, Refused, Table, read_table
from .registrations import RegistrationImporter
from .units import UnitImporter

IMPORTERS = {
    ImportBatch.Kind.REGISTRATIONS: RegistrationImporter,
    ImportBatch.Kind.UNITS: UnitImporter,
    ImportBatch.Kind.COMMENDATIONS: CommendationImporter,
}


def read(fileobj, file_name):
    return read_table(fileobj, file_name)


def run(kind, table, file_name, user=None, write=False, progress=None):
    """Check a parsed Table (and write it, with `write`) as the importer of `kind`. A Report."""
    return engine.run(IMPORTERS[kind], table, file_name, user=user, write=write, progress=progress)


def import_file(kind, fileobj, file_name, user=None, write=True):
    """Read and import a file in one go (management commands). A Report, refused or not."""
    try:
        table = read_table(fileobj, file_name)
    except Refused as refusal:
        return engine.refused(kind, file_name, str(refusal))
    return run(kind, table, file_name, user=user, write=write)


__all__ = [
    "ACTION_LABELS", "CREATE", "ERROR", "IMPORTERS", "UNCHANGED", "UPDATE", "CommendationImporter", "Limits",
    "Problem", "Refused", "RegistrationImporter", "Report", "RowOutcome", "Table", "UnitImporter", "import_file",
    "read", "run",
]
