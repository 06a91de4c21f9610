# English pages keep Vietnam's dates (the records and the people reading them are Vietnamese)
# and write numbers the English way.
from danvan.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
