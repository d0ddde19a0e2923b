"""Runs notebook cells in a real Jupyter kernel, as a front end does, and prints what each cell showed.

stdin: JSON {"kernel": name, "cwd": dir, "cells": [code, ...], "start_timeout": s, "cell_timeout": s}.
stdout: JSON {"cells": [{"status": "ok" | "error" | "timeout", "outputs": [...]}, ...]}, where an output
is {"type": "execute_result" | "display_data", "data": {mime: value}}, {"type": "stream", "name",
"text"} or {"type": "error", "ename", "evalue"}, in the order the kernel sent them on iopub. A cell
that times out ends the run. Outputs go to their cell by parent msg_id, also when they come after the
cell is idle (Deno's kernel may send an execute_result just after); the last cell gets LINGER_S.
The kernel is found through JUPYTER_PATH; it is always shut down, also on SIGTERM. Exit 2: no
jupyter_client; exit 3: the kernel did not start or answer.
"""

import json
import queue
import signal
import sys
import time

# How long to read on after the last cell is idle, for outputs Deno publishes after it.
LINGER_S = 0.5

try:
    from jupyter_client.manager import KernelManager
except ImportError as error:
    print(f"kernel_driver: jupyter_client is missing ({error}); install python3-jupyter-client", file=sys.stderr)
    sys.exit(2)


def on_term(signum, frame):
    raise SystemExit(f"kernel_driver: stopped by signal {signum}")


def pump(client, outputs, until, timeout):
    """Reads iopub until the request `until` is idle (True) or `timeout` ends (False); every output
    goes to the cell it answers (its parent), since Deno's kernel may publish a cell's execute_result
    just after that cell's status: idle."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            msg = client.get_iopub_msg(timeout=left)
        except queue.Empty:
            continue
        parent = msg["parent_header"].get("msg_id")
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle" and parent == until:
            return True
        if parent not in outputs:
            continue
        if kind in ("execute_result", "display_data"):
            outputs[parent].append({"type": kind, "data": content.get("data", {})})
        elif kind == "stream":
            outputs[parent].append({"type": kind, "name": content["name"], "text": content["text"]})
        elif kind == "error":
            outputs[parent].append({"type": kind, "ename": content["ename"], "evalue": content["evalue"]})


def status(outputs, idle):
    if not idle:
        return "timeout"
    return "error" if any(o["type"] == "error" for o in outputs) else "ok"


def main():
    signal.signal(signal.SIGTERM, on_term)
    spec = json.load(sys.stdin)
    manager = KernelManager(kernel_name=spec["kernel"])
    manager.shutdown_wait_time = 3.0
    try:
        manager.start_kernel(cwd=spec["cwd"])
    except Exception as error:
        print(f"kernel_driver: the kernel {spec['kernel']!r} did not start: {error!r}", file=sys.stderr)
        sys.exit(3)
    print(f"kernel_driver: kernel pid {manager.provisioner.pid}", file=sys.stderr, flush=True)
    client = manager.client()
    client.start_channels()
    try:
        try:
            client.wait_for_ready(timeout=spec["start_timeout"])
        except RuntimeError as error:
            print(f"kernel_driver: the kernel did not answer: {error}", file=sys.stderr)
            sys.exit(3)
        outputs, ended = {}, []
        for code in spec["cells"]:
            msg_id = client.execute(code, store_history=True, allow_stdin=False)
            outputs[msg_id] = []
            ended.append((msg_id, pump(client, outputs, msg_id, spec["cell_timeout"])))
            if not ended[-1][1]:
                break
        pump(client, outputs, None, LINGER_S)
        results = [{"status": status(outputs[m], idle), "outputs": outputs[m]} for m, idle in ended]
        print(json.dumps({"cells": results}))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)


if __name__ == "__main__":
    main()
