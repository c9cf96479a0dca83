# Runs kubespray's inventory checks for many inventories in one Python process: ansible-playbook's own CLI
# (ansible.cli.playbook.PlaybookCLI), once per inventory, with the same argv every time. The argv names one inventory
# path, a symlink repointed before each run, because Ansible keeps the first run's parsed arguments for the process.
# Saves the interpreter start, the imports and the plugin loading per inventory; each run is otherwise a normal one.
#
# usage: python kubespray-batch.py JOBS RESULTS [--in-process-workers] -- ANSIBLE-PLAYBOOK-ARGS...
#   JOBS: JSON lines {"id", "inventory": dir, "events": file}; the argv's -i must be <link>/hosts.yaml where <link> is
#   the symlink named by $KSPRAY_BATCH_LINK. RESULTS gets one JSON line per job: {"id", "rc"} or {"id", "crash"}.
import json
import os
import resource
import sys
import time
import traceback


def _cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def main():
    sep = sys.argv.index("--")
    jobs_file, results_file, *flags = sys.argv[1:sep]
    argv = ["ansible-playbook", *sys.argv[sep + 1 :]]
    if "--in-process-workers" in flags:
        import inprocess_workers  # noqa: F401  (patches WorkerProcess on import)
    from ansible.cli.playbook import PlaybookCLI
    from ansible.plugins.vars import host_group_vars

    link = os.environ["KSPRAY_BATCH_LINK"]
    with open(jobs_file, encoding="utf-8") as f:
        jobs = [json.loads(line) for line in f if line.strip()]
    with open(results_file, "a", buffering=1, encoding="utf-8") as out:
        for job in jobs:
            tmp = f"{link}.next"
            os.symlink(job["inventory"], tmp)
            os.replace(tmp, link)
            # what a fresh process starts with: group_vars/host_vars files found are cached by path for the process,
            # and the path is the same link for every inventory
            for cache in ("FOUND", "CANONICAL_PATHS", "PATH_CACHE"):
                getattr(host_group_vars, cache, {}).clear()
            # kspray_events opens this file when each run loads its callbacks
            os.environ["KSPRAY_EVENTS_FILE"] = job["events"]
            began = time.monotonic()
            cpu = _cpu()
            res = {"id": job["id"]}
            try:
                res["rc"] = PlaybookCLI(list(argv)).run()
            except SystemExit as e:
                res["rc"] = e.code
            except BaseException:  # a crash of Ansible itself: reported, and the batch goes on
                res["crash"] = traceback.format_exc()[-4000:]
            res["seconds"] = round(time.monotonic() - began, 3)
            res["cpu"] = round(_cpu() - cpu, 3)
            out.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
