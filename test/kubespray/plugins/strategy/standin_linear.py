# Stand-in fault injection: the linear strategy, except that a task named by
#   -e '{"standin_fail": {"host": "km02", "task": "Start etcd"}}'   (or env KSPRAY_STANDIN_FAIL=km02:Start etcd)
#   -e '{"standin_hang": {"host": "km02", "task": "Start etcd"}}'   (or env KSPRAY_STANDIN_HANG=km02:Start etcd)
# fails with a clear message / sleeps forever on that host instead of running. A value may also be a list
# of such dicts. "task" matches the task name with or without the "role : " prefix.
from __future__ import annotations

import os

from ansible.plugins.strategy.linear import StrategyModule as LinearStrategyModule

DOCUMENTATION = '''
    name: standin_linear
    short_description: linear strategy with kspray stand-in fault injection
    description: Runs like linear; replaces the task named by standin_fail/standin_hang on the named host.
    author: kspray
'''


def _faults(task_vars, var, env):
    value = task_vars.get(var)
    items = value if isinstance(value, list) else [value] if value else []
    raw = os.environ.get(env, '')
    if ':' in raw:
        host, task = raw.split(':', 1)
        items.append({'host': host, 'task': task})
    return [i for i in items if isinstance(i, dict)]


def _matches(fault, host, task):
    names = {task.get_name(), task.name}
    return fault.get('host') in (host.name, 'all') and fault.get('task') in names


class StrategyModule(LinearStrategyModule):
    def _queue_task(self, host, task, task_vars, play_context):
        for kind, var, env in (('fail', 'standin_fail', 'KSPRAY_STANDIN_FAIL'), ('hang', 'standin_hang', 'KSPRAY_STANDIN_HANG')):
            if any(_matches(f, host, task) for f in _faults(task_vars, var, env)):
                task = self._faulty(task, kind, host.name)
                break
        return super()._queue_task(host, task, task_vars, play_context)

    @staticmethod
    def _faulty(task, kind, host_name):
        t = task.copy(exclude_parent=False, exclude_tasks=False)
        if kind == 'fail':
            t.action = t.resolved_action = 'ansible.builtin.fail'
            t.args = {'msg': "kspray stand-in: injected failure of task '%s' on %s" % (task.get_name(), host_name)}
        else:
            t.action = t.resolved_action = 'ansible.builtin.command'
            t.args = {'_raw_params': 'sleep 2147483647'}
        t.loop = None
        t.until = []
        t.retries = None
        t.ignore_errors = False
        t.failed_when = []
        t.changed_when = []
        t.register = None
        return t
