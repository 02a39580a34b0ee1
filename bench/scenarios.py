#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Switchyard-only scenarios the shared harness (../shared/bench) does not
cover, measured the way it measures (PIN=split: wrk and the origin on CPU 0,
the core on CPU 1 with one worker; CPU time of the core from /proc):

  hop     one forward-internal hop against the same route without it
          (target: the hop adds <= 10 % CPU per request)
  tls     TLS termination (HTTPS keep-alive) against plain HTTP
  idle    N idle keep-alive connections (each did one request): RSS per
          connection (target: < 16 KiB)
  capture the traffic inspector's cost: the direct route against the same
          route on a second core (same CPU, measured in turn) with capture
          off (agent.inspect_db_size: -1) (target: <= 5 % of throughput)

Everything listens on 127.0.0.1 (ports 19280-19299), runs for a bounded
time and stops what it started, by PID. Needs nginx (origin) and wrk.

  bench/scenarios.py [--rounds 3] [--duration 10] [--conns 50] [--idle 10000]
                     [--only hop,tls,idle,capture] [--json /tmp/switchyard-scenarios.json]
"""

import argparse
import json
import os
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "build", "bin", "switchyard")
ORIGIN_PORT = 19281
DIRECT_PORT = 19290
HOP_PORT = 19291
TLS_PORT = 19292
API_PORT = 19295
NOCAPTURE_PORT = 19293
CLK_TCK = os.sysconf("SC_CLK_TCK")

CONFIG = f"""version: 3
agent:
  api_addr: 127.0.0.1:{API_PORT}
  edge_http: 127.0.0.1:19296
  edge_https: 127.0.0.1:19297
endpoints:
  - name: direct
    url: http://127.0.0.1:{DIRECT_PORT}
    upstream:
      url: http://127.0.0.1:{ORIGIN_PORT}
  - name: hop
    url: http://127.0.0.1:{HOP_PORT}
    upstream:
      url: http://127.0.0.1:{ORIGIN_PORT}
    traffic_policy:
      on_http_request:
        - actions:
            - type: forward-internal
              config:
                url: https://app.internal
  - name: app
    url: https://app.internal
    upstream:
      url: http://127.0.0.1:{ORIGIN_PORT}
  - name: tls
    url: https://localhost:{TLS_PORT}
    upstream:
      url: http://127.0.0.1:{ORIGIN_PORT}
"""

NGINX_CONF = f"""worker_processes 1;
daemon off;
pid {{dir}}/nginx.pid;
error_log {{dir}}/nginx-error.log warn;
events {{{{ worker_connections 4096; }}}}
http {{{{
  access_log off;
  keepalive_requests 10000000;
  server {{{{
    listen 127.0.0.1:{ORIGIN_PORT};
    location / {{{{ return 200 "hello\\n"; }}}}
  }}}}
}}}}
"""

CONFIG_NOCAPTURE = f"""version: 3
agent:
  api_addr: 127.0.0.1:19298
  edge_http: 127.0.0.1:19286
  edge_https: 127.0.0.1:19287
  inspect_db_size: -1
endpoints:
  - name: direct
    url: http://127.0.0.1:{NOCAPTURE_PORT}
    upstream:
      url: http://127.0.0.1:{ORIGIN_PORT}
"""


def wait_port(port, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_wrk(url, conns, duration):
    out = subprocess.run(["taskset", "-c", "0", "wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True, timeout=duration + 30).stdout
    requests = 0
    p99 = None
    errors = 0
    for line in out.splitlines():
        line = line.strip()
        if " requests in " in line:
            requests = int(line.split()[0])
        elif line.startswith("99%"):
            p99 = line.split()[1]
        elif line.startswith("Non-2xx") or line.startswith("Socket errors"):
            errors += sum(int(x.strip(",")) for x in line.replace(":", " ").split() if x.strip(",").isdigit())
    return requests, p99, errors


def measure(core_pid, url, conns, duration):
    before = cpu_seconds(core_pid)
    requests, p99, errors = run_wrk(url, conns, duration)
    used = cpu_seconds(core_pid) - before
    return {"rps": requests / duration, "cpu_us_per_req": used * 1e6 / max(requests, 1), "p99": p99,
            "errors": errors}


def idle_connections(core_pid, port, count):
    """Opens `count` keep-alive connections, sends one request on each,
    reads each response, then holds them idle and reports RSS per
    connection."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 1000)), hard))
    time.sleep(1.0)
    base = rss_kib(core_pid)
    sel = selectors.DefaultSelector()
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    socks = []
    pending = 0
    for _ in range(count):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, data=b"")
        pending += 1
        # Keep the number of handshakes in flight bounded (the accept queue).
        while pending > 500:
            pending -= pump(sel, request)
    deadline = time.monotonic() + 60
    while pending > 0 and time.monotonic() < deadline:
        pending -= pump(sel, request)
    time.sleep(2.0)
    held = rss_kib(core_pid)
    open_ok = count - pending
    for s in socks:
        s.close()
    return {"connections": count, "answered": open_ok, "rss_before_kib": base, "rss_held_kib": held,
            "kib_per_connection": (held - base) / max(open_ok, 1)}


def pump(sel, request):
    done = 0
    for key, events in sel.select(timeout=1.0):
        s = key.fileobj
        if events & selectors.EVENT_WRITE:
            try:
                s.send(request)
            except OSError:
                sel.unregister(s)
                done += 1
                continue
            sel.modify(s, selectors.EVENT_READ, data=b"")
        elif events & selectors.EVENT_READ:
            try:
                chunk = s.recv(4096)
            except OSError:
                chunk = b""
            got = key.data + chunk
            if not chunk or (b"\r\n\r\n" in got and got.endswith(b"hello\n")):
                sel.unregister(s)
                done += 1
            else:
                sel.modify(s, selectors.EVENT_READ, data=got)
    return done


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--conns", type=int, default=50)
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--only", default="hop,tls,idle,capture")
    ap.add_argument("--json", default="/tmp/switchyard-scenarios.json")
    args = ap.parse_args()
    only = set(args.only.split(","))
    for tool in ("nginx", "wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"scenarios: {tool} is needed (apt-get install nginx wrk util-linux)")
    if not os.access(BINARY, os.X_OK):
        sys.exit("scenarios: build build/bin/switchyard first")

    work = tempfile.mkdtemp(prefix="switchyard-scenarios.")
    started = []
    result = {"rounds": args.rounds, "duration_s": args.duration, "conns": args.conns}
    try:
        with open(os.path.join(work, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(dir=work))
        started.append(subprocess.Popen(["taskset", "-c", "0", "nginx", "-p", work, "-c",
                                         os.path.join(work, "nginx.conf")], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
        config = os.path.join(work, "switchyard.yml")
        with open(config, "w") as f:
            f.write(CONFIG)
        env = dict(os.environ, XDG_CONFIG_HOME=work)
        log = open(os.path.join(work, "core.log"), "w")
        core = subprocess.Popen(["taskset", "-c", "1", BINARY, "start", "--all", "--config", config, "--workers", "1",
                                 "--data-dir", os.path.join(work, "data")], env=env, stdout=log, stderr=log)
        started.append(core)
        pids = {"direct": core.pid, "hop": core.pid, "tls": core.pid}
        ports = [ORIGIN_PORT, DIRECT_PORT, HOP_PORT, TLS_PORT]
        if "capture" in only:
            config2 = os.path.join(work, "nocapture.yml")
            with open(config2, "w") as f:
                f.write(CONFIG_NOCAPTURE)
            log2 = open(os.path.join(work, "core-nocapture.log"), "w")
            core2 = subprocess.Popen(["taskset", "-c", "1", BINARY, "start", "--all", "--config", config2,
                                      "--workers", "1", "--data-dir", os.path.join(work, "data2")],
                                     env=env, stdout=log2, stderr=log2)
            started.append(core2)
            pids["nocapture"] = core2.pid
            ports.append(NOCAPTURE_PORT)
        for port in ports:
            if not wait_port(port):
                sys.exit(f"scenarios: nothing listens on 127.0.0.1:{port}; see {work}/core*.log")

        targets = {"direct": f"http://127.0.0.1:{DIRECT_PORT}/"}
        if "hop" in only:
            targets["hop"] = f"http://127.0.0.1:{HOP_PORT}/"
        if "tls" in only:
            targets["tls"] = f"https://localhost:{TLS_PORT}/"
        if "capture" in only:
            targets["nocapture"] = f"http://127.0.0.1:{NOCAPTURE_PORT}/"
        runs = {name: [] for name in targets}
        names = list(targets)
        for r in range(args.rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            for name in order:
                run_wrk(targets[name], args.conns, 1)  # warm-up
                runs[name].append(measure(pids[name], targets[name], args.conns, args.duration))
                print(f"round {r + 1} {name}: {runs[name][-1]}", flush=True)
        summary = {}
        for name, values in runs.items():
            summary[name] = {"rps": statistics.median(v["rps"] for v in values),
                             "cpu_us_per_req": statistics.median(v["cpu_us_per_req"] for v in values),
                             "p99": [v["p99"] for v in values],
                             "errors": sum(v["errors"] for v in values)}
        result["http"] = summary
        if "nocapture" in summary:
            # direct has capture on: its cost relative to the same route without.
            result["capture_on_vs_off"] = {
                "rps": summary["direct"]["rps"] / summary["nocapture"]["rps"],
                "cpu_us_per_req": summary["direct"]["cpu_us_per_req"] / summary["nocapture"]["cpu_us_per_req"]}
        for name in summary:
            if name not in ("direct", "nocapture"):
                result[f"{name}_vs_direct"] = {
                    "rps": summary[name]["rps"] / summary["direct"]["rps"],
                    "cpu_us_per_req": summary[name]["cpu_us_per_req"] / summary["direct"]["cpu_us_per_req"]}
        if "idle" in only and args.idle > 0:
            result["idle"] = idle_connections(core.pid, DIRECT_PORT, args.idle)
        print(json.dumps(result, indent=2))
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    finally:
        for p in reversed(started):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
