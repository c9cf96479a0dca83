# Imported for its effect: Ansible's task workers run inside the controller process instead of a fork per task and
# host (the fork, not the check, is most of a checks run's cost). A worker changes what it is given (the task is
# squashed and templated for its host, the host's vars are cleared after the run), which the fork keeps from the
# controller; here the worker gets copies instead. The batch test compares events with forked runs before relying on it.
import copy
import os

from ansible.executor.process import worker
from ansible.utils.display import Display

# what a fork gets when stdin is not a terminal
_devnull = open(os.devnull)


def _start(self):
    # its blocks without their task lists: a worker reads its parents' attributes, never their other tasks
    self._task = self._task.copy(exclude_tasks=True)
    self._host = copy.copy(self._host)
    self._play_context = copy.copy(self._play_context)
    self._task_vars = dict(self._task_vars)
    self._new_stdin = _devnull
    display = Display()
    # only a forked worker proxies its output over the results queue
    display.set_queue = lambda q: None
    try:
        self._run()
    finally:
        del display.set_queue
        worker.current_worker = None


worker.WorkerProcess.start = _start
