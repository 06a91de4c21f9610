"""Writing a registration's history. Called by the code that makes each change,
because bulk database paths skip model signals."""
from ..models import RegistrationEvent, Source


def _plain(value):
    return "" if value is None else str(value)


def changed_fields(before, after, fields):
    """{field: [old, new]} for the fields whose value differs, as display strings."""
    changes = {}
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes


def record(registration, action, *, actor=None, source=Source.PORTAL, from_status="", to_status="",
           reason="", changes=None, batch=None):
    return RegistrationEvent.objects.create(**event_fields(
        registration, action, actor=actor, source=source, from_status=from_status, to_status=to_status,
        reason=reason, changes=changes, batch=batch,
    ))


def event_fields(registration, action, *, actor=None, source=Source.PORTAL, from_status="", to_status="",
                 reason="", changes=None, batch=None):
    """Keyword arguments for one RegistrationEvent; bulk paths build many and bulk_create them."""
    return {
        "registration": registration,
        "action": action,
        "actor": actor if actor is not None and actor.is_authenticated else None,
        "source": source,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "changes": changes or {},
        "batch": batch,
    }
