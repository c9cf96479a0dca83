# kspray_events: an aggregate callback that appends one JSON object per Ansible event to $KSPRAY_EVENTS_FILE.
# kspray reads these lines for its live view and run record instead of scraping Ansible's human output.
from __future__ import annotations

DOCUMENTATION = """
    name: kspray_events
    type: aggregate
    short_description: JSON-lines events for kspray
    description: Writes play/task/host events as JSON lines to the file named by KSPRAY_EVENTS_FILE.
    requirements:
      - KSPRAY_EVENTS_FILE set in the environment
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


def _msg(result):
    r = result._result if hasattr(result, "_result") else {}
    for key in ("msg", "stderr", "reason"):
        v = r.get(key)
        if v:
            return str(v)[:2000]
    if r.get("results"):
        for item in r["results"]:
            if isinstance(item, dict) and item.get("failed") and item.get("msg"):
                return str(item["msg"])[:2000]
    return ""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "kspray_events"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        path = os.environ.get("KSPRAY_EVENTS_FILE")
        self._out = open(path, "a", buffering=1, encoding="utf-8") if path else None
        self._task = None

    def _emit(self, kind, **data):
        if self._out is None:
            return
        data["type"] = kind
        data["ts"] = round(time.time(), 3)
        self._out.write(json.dumps(data, default=str) + "\n")

    def _host_event(self, kind, result, **extra):
        task = result._task
        self._emit(kind, host=result._host.get_name(), task=task.get_name(), action=task.action, **extra)

    def v2_playbook_on_start(self, playbook):
        self._emit("playbook_start", playbook=os.path.basename(playbook._file_name))

    def v2_playbook_on_play_start(self, play):
        self._emit("play_start", play=play.get_name(), hosts=list(play.hosts) if isinstance(play.hosts, list) else play.hosts)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task = task.get_name()
        self._emit("task_start", task=self._task, action=task.action)

    def v2_playbook_on_handler_task_start(self, task):
        self._emit("task_start", task=task.get_name(), action=task.action, handler=True)

    def v2_runner_on_ok(self, result):
        self._host_event("host_ok", result, changed=bool(result._result.get("changed")))

    def v2_runner_on_failed(self, result, ignore_errors=False):
        extra = {}
        # an assert names the expression that failed; kspray maps its variables back to the config
        if result._result.get("assertion") is not None:
            extra["assertion"] = str(result._result["assertion"])[:2000]
        self._host_event("host_failed", result, msg=_msg(result), ignored=bool(ignore_errors), **extra)

    def v2_runner_on_unreachable(self, result):
        self._host_event("host_unreachable", result, msg=_msg(result))

    def v2_runner_on_skipped(self, result):
        self._host_event("host_skipped", result)

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for h in sorted(stats.processed.keys()):
            s = stats.summarize(h)
            hosts[h] = {k: s.get(k, 0) for k in ("ok", "changed", "failures", "unreachable", "skipped", "rescued", "ignored")}
        self._emit("stats", hosts=hosts)
        if self._out is not None:
            self._out.flush()
