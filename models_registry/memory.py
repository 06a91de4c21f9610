"""The cyclic garbage collector told to leave alone what every request of a process shares.

Once a worker has served its first request it holds a few hundred thousand long-lived objects:
modules, URL patterns, compiled templates, translation catalogues, form and model classes. A
full collection walked every one of them, about 150 ms on our 2-core servers, and a page that
makes many objects of its own (a province's Excel export writes tens of thousands of cells) set
one off every few requests: its p95 was twice its p50. After the first request they are moved to
the permanent generation (`gc.freeze`), so that later collections walk only what requests made
since. Done when the first response has been sent, not before, so no visitor waits for it.
"""
import gc

from django.core.signals import request_finished


def freeze():
    """Move what the process holds now out of later collections' way. Its cyclic garbage is
    collected first, not kept for ever."""
    gc.collect()
    gc.freeze()


def freeze_after_first_request(**kwargs):
    # True for exactly one caller (the signal disconnects under its lock), so when two threads
    # finish their first requests together only one of them freezes.
    if not request_finished.disconnect(freeze_after_first_request):
        return
    freeze()


def install():
    request_finished.connect(freeze_after_first_request)
