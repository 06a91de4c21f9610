import pytest
from django.db import connection
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
def test_a(live_server):
    from models_registry.models import UnitKind
    print("HAS", hasattr(connection, "_test_serialized_contents"), len(getattr(connection, "_test_serialized_contents", "")), UnitKind.objects.count())
def test_b(live_server):
    from models_registry.models import UnitKind
    print("KINDS", UnitKind.objects.count())
