"""Send the reads of report pages to the read replica named "replica".

Only report and statistics requests read from the replica: a replica may lag a few
seconds, which a dashboard tolerates but a clerk who just saved a form does not.
"""
from contextvars import ContextVar

_use_replica = ContextVar("use_replica", default=False)

REPORT_PREFIXES = ("/bao-cao/", "/thong-ke/")


class ReportReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if _use_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReportReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _use_replica.set(request.method == "GET" and request.path.startswith(REPORT_PREFIXES))
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)
