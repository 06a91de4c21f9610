"""Unit lineage: merging units into one, splitting one into several, renaming, with the date it
takes effect; and what follows from it. A dissolved unit gets its closing date (completeness
stops counting it after that day), its accounts are moved to the successor or deactivated (the
staff chooses), and its successor may continue its models (`Registration.objects.continuable_by`).

Refused, with a message and nothing changed: a unit outside the user's scope, a cycle (B
continuing A while A continues B, directly or through others), a unit merged or split twice on
one date, a unit already dissolved, a successor dissolved by that date.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    AccountFate,
    AreaLevel,
    LineageEvent,
    LineageKind,
    LineageLink,
    LineageSource,
    Role,
    Structure,
    Unit,
    User,
)
from .accounts import deactivate_accounts, move_accounts
from .errors import NotNow

# The day the two-level local government took over (Resolution 202/2025/QH15).
REFORM_DATE = datetime.date(2025, 7, 1)


class LineageGraph:
    """Every recorded predecessor → successor link (renames aside), to find cycles.

    Loaded in one query: a province's merges are a few thousand pairs of ids."""

    def __init__(self, pairs=()):
        self.successors = defaultdict(set)
        for predecessor, successor in pairs:
            self.successors[predecessor].add(successor)

    @classmethod
    def load(cls):
        return cls(LineageLink.objects.exclude(event__kind=LineageKind.RENAME).values_list("predecessor_id",
                                                                                            "successor_id"))

    def reaches(self, start, goal):
        seen, frontier = {start}, [start]
        while frontier:
            node = frontier.pop()
            if node == goal:
                return True
            for nxt in self.successors[node] - seen:
                seen.add(nxt)
                frontier.append(nxt)
        return False

    def closes_cycle(self, predecessor, successor):
        return predecessor == successor or self.reaches(successor, predecessor)

    def add(self, predecessor, successor):
        self.successors[predecessor].add(successor)


def _dissolved_on(unit_ids, day):
    """{unit id: kind} of the units already merged or split away on `day`."""
    return dict(
        LineageLink.objects.filter(predecessor__in=unit_ids, event__effective_date=day)
        .exclude(event__kind=LineageKind.RENAME).values_list("predecessor_id", "event__kind")
    )


def check_event(predecessors, successors, day, graph, *, dissolved_on=None):
    """The reasons a merge or split of `predecessors` into `successors` on `day` cannot be
    recorded (an empty list when it can). `graph` holds the links recorded so far."""
    problems = []
    ids = [unit.pk for unit in predecessors]
    twice = _dissolved_on(ids, day) if dissolved_on is None else dissolved_on
    for unit in predecessors:
        if unit.pk in twice:
            problems.append(_("%(unit)s đã được sáp nhập hoặc chia tách vào ngày %(date)s; một đơn vị không sáp nhập "
                              "hai lần trong một ngày.") % {"unit": unit.name, "date": f"{day:%d/%m/%Y}"})
        elif unit.closed_on is not None:
            problems.append(_("%(unit)s đã giải thể từ ngày %(date)s.") % {
                "unit": unit.name, "date": f"{unit.closed_on:%d/%m/%Y}"})
    for unit in successors:
        if unit.closed_on is not None and unit.closed_on <= day:
            problems.append(_("Đơn vị kế thừa %(unit)s đã giải thể từ ngày %(date)s.") % {
                "unit": unit.name, "date": f"{unit.closed_on:%d/%m/%Y}"})
        if unit.opened_on is not None and unit.opened_on > day:
            problems.append(_("Đơn vị kế thừa %(unit)s thành lập sau ngày hiệu lực.") % {"unit": unit.name})
    for predecessor in predecessors:
        for successor in successors:
            if predecessor.pk == successor.pk:
                problems.append(_("%(unit)s không thể kế thừa chính nó.") % {"unit": predecessor.name})
            elif graph.closes_cycle(predecessor.pk, successor.pk):
                problems.append(_("%(successor)s đang là đơn vị tiền thân của %(predecessor)s; ghi như vậy sẽ thành "
                                  "vòng lặp kế thừa.") % {"successor": successor.name, "predecessor": predecessor.name})
    return problems


def _log_units(user, units, message):
    content_type = ContentType.objects.get_for_model(Unit)
    LogEntry.objects.bulk_create([
        LogEntry(user_id=user.pk, content_type=content_type, object_id=str(unit.pk), object_repr=str(unit)[:200],
                 action_flag=CHANGE, change_message=message)
        for unit in units
    ])


def _scoped(user, units):
    units = list(units)
    visible = set(Unit.objects.for_user(user).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    if any(unit.pk not in visible for unit in units):
        raise NotNow(_("Có đơn vị không thuộc địa bàn của bạn."))
    return units


def record(user, kind, predecessors, successors, day, *, account_fate, account_successor=None, note="",
           source=LineageSource.PORTAL):
    """Write one checked merge or split: the event, its links, the closing dates, the accounts."""
    event = LineageEvent.objects.create(kind=kind, effective_date=day, account_fate=account_fate, note=note,
                                        source=source, created_by=user)
    LineageLink.objects.bulk_create([LineageLink(event=event, predecessor=p, successor=s)
                                     for p in predecessors for s in successors])
    Unit.objects.filter(pk__in=[p.pk for p in predecessors]).update(closed_on=day)
    for unit in predecessors:
        unit.closed_on = day
    names = ", ".join(s.name for s in successors)
    _log_units(user, predecessors, f"{LineageKind(kind).label} vào {names} từ ngày {day:%d/%m/%Y}")
    accounts = User.objects.filter(unit__in=predecessors, role=Role.UNIT)
    heir = account_successor or successors[0]
    if account_fate == AccountFate.MOVE:
        move_accounts(user, accounts, heir, message=f"Chuyển sang đơn vị kế thừa {heir.name} ({LineageKind(kind).label})")
    else:
        deactivate_accounts(user, accounts.filter(is_active=True),
                            message=f"Khóa vì đơn vị giải thể ({LineageKind(kind).label} ngày {day:%d/%m/%Y})")
    return event


@transaction.atomic
def merge(user, predecessors, successor, day, *, account_fate, note="", source=LineageSource.PORTAL):
    """Several units (one or more) continue as `successor` from `day`."""
    predecessors = _scoped(user, predecessors)
    [successor] = _scoped(user, [successor])
    if not predecessors:
        raise NotNow(_("Hãy chọn ít nhất một đơn vị được sáp nhập."))
    problems = check_event(predecessors, [successor], day, LineageGraph.load())
    if problems:
        raise NotNow(problems)
    return record(user, LineageKind.MERGE, predecessors, [successor], day, account_fate=account_fate, note=note,
                  source=source)


@transaction.atomic
def split(user, predecessor, successors, day, *, account_fate, account_successor=None, note=""):
    """One unit continues as several from `day`; its accounts go to `account_successor` (or the first)."""
    [predecessor] = _scoped(user, [predecessor])
    successors = _scoped(user, successors)
    if len(successors) < 2:
        raise NotNow(_("Chia tách cần ít nhất hai đơn vị kế thừa."))
    if account_successor is not None and account_successor.pk not in {s.pk for s in successors}:
        raise NotNow(_("Đơn vị nhận tài khoản phải là một trong các đơn vị kế thừa."))
    problems = check_event([predecessor], successors, day, LineageGraph.load())
    if problems:
        raise NotNow(problems)
    return record(user, LineageKind.SPLIT, [predecessor], successors, day, account_fate=account_fate,
                  account_successor=account_successor, note=note)


@transaction.atomic
def rename(user, unit, new_name, day, *, note="", source=LineageSource.PORTAL):
    [unit] = _scoped(user, [unit])
    new_name = " ".join(new_name.split())
    if not new_name or new_name == unit.name:
        raise NotNow(_("Tên mới phải khác tên hiện tại."))
    if unit.closed_on is not None:
        raise NotNow(_("%(unit)s đã giải thể; không đổi tên được.") % {"unit": unit.name})
    event = LineageEvent.objects.create(kind=LineageKind.RENAME, effective_date=day, old_name=unit.name,
                                        new_name=new_name, note=note, source=source, created_by=user)
    LineageLink.objects.create(event=event, predecessor=unit, successor=unit)
    _log_units(user, [unit], f"Đổi tên từ “{unit.name}” thành “{new_name}” từ ngày {day:%d/%m/%Y}")
    unit.name = new_name
    unit.save(update_fields=["name"])
    return event


# What a unit page shows ---------------------------------------------------------------------------

def lineage_of(unit):
    """(came from, went to, renames) of one unit: links with their events, newest first."""
    came = (LineageLink.objects.filter(successor=unit).exclude(event__kind=LineageKind.RENAME)
            .select_related("event", "predecessor__area").order_by("-event__effective_date"))
    went = (LineageLink.objects.filter(predecessor=unit).exclude(event__kind=LineageKind.RENAME)
            .select_related("event", "successor__area").order_by("-event__effective_date"))
    renames = LineageEvent.objects.filter(kind=LineageKind.RENAME, links__successor=unit).order_by("-effective_date")
    return list(came), list(went), list(renames)


# The default lineage of the 2025 reform, from the areas' old → new commune mapping -------------

@dataclass
class Suggestion:
    """Units of one kind in old communes that roll up into one new commune, and the units of
    that kind in the new commune that could succeed them."""

    new_area: object
    kind: object
    predecessors: list = field(default_factory=list)
    candidates: list = field(default_factory=list)

    @property
    def key(self):
        return f"{self.new_area.pk}-{self.kind.pk}"


def suggestions(user):
    """Open units recorded in an old commune, with no successor yet, grouped by the new commune
    their commune rolls up into by default and by kind. Two queries."""
    old = list(
        Unit.objects.for_user(user).filter(area__structure=Structure.LEGACY, area__level=AreaLevel.COMMUNE,
                                           area__current_commune__isnull=False, closed_on=None, successor_links=None)
        .select_related("area__current_commune", "kind__parent").order_by("area__current_commune__name", "name")
    )
    groups = {}
    for unit in old:
        key = (unit.area.current_commune_id, unit.kind_id)
        if key not in groups:
            groups[key] = Suggestion(unit.area.current_commune, unit.kind)
        groups[key].predecessors.append(unit)
    new_units = Unit.objects.filter(area__in={k[0] for k in groups}, kind__in={k[1] for k in groups}, closed_on=None)
    for unit in new_units.order_by("name"):
        if (unit.area_id, unit.kind_id) in groups:
            groups[(unit.area_id, unit.kind_id)].candidates.append(unit)
    return list(groups.values())


@transaction.atomic
def confirm_suggestions(user, choices, *, account_fate):
    """Record the merges staff confirmed: `choices` is [(predecessor units, successor unit)]."""
    events = []
    graph = LineageGraph.load()
    for predecessors, successor in choices:
        predecessors = _scoped(user, predecessors)
        [successor] = _scoped(user, [successor])
        problems = check_event(predecessors, [successor], REFORM_DATE, graph)
        if problems:
            raise NotNow(problems)
        events.append(record(user, LineageKind.MERGE, predecessors, [successor], REFORM_DATE,
                             account_fate=account_fate, source=LineageSource.AREA_MAPPING))
        for p in predecessors:
            graph.add(p.pk, successor.pk)
    return events
