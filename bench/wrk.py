"""wrk runs: an award-posting Lua script, and the rate, statuses and percentiles it prints."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile

LUA = """
local tokens = {%(tokens)s}
local recipients = {%(recipients)s}
local counter = 0
id = 0
local threads = {}
statuses = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(id * 7919 + 17)
end
function request()
  counter = counter + 1
  local giver = math.random(#tokens)
  local body = string.format('{"recipients":[%%d],"points":1,"message":"Thanks for the help!",'
                             .. '"service_kind":"need"}',
                             recipients[math.random(#recipients)])
  return wrk.format("POST", "/api/v1/awards", {
    ["Authorization"] = "Bearer " .. tokens[giver],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "%(run)s-" .. id .. "-" .. counter,
  }, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, n in pairs(seen) do io.write(string.format("STATUS %%d %%d\\n", status, n)) end
  end
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("PCT %%d %%.3f\\n", p, latency:percentile(p) / 1000))
  end
end
"""


def wrk(port: int, path: str, *, connections: int, seconds: int, lua: str | None = None) -> dict:
    """Run wrk against the port; returns requests/s, statuses and p50/p95/p99 (ms)."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install -y wrk")
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s"]
    script = None
    if lua:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        script.write(lua)
        script.close()
        command += ["-s", script.name]
    done = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    output = done.stdout + done.stderr
    if script:
        os.unlink(script.name)
    if "PCT 99" not in output and lua and "PCT" in lua:
        raise RuntimeError(f"wrk printed no percentiles:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    statuses = {int(a): int(b) for a, b in re.findall(r"STATUS (\d+) (\d+)", output)}
    pct = {int(a): float(b) for a, b in re.findall(r"PCT (\d+) ([\d.]+)", output)}
    return {"rate": rate, "statuses": statuses, "pct": pct}


def award_script(tokens: list[str], recipients: list[int], run: str) -> str:
    return LUA % {
        "tokens": ", ".join(json.dumps(t) for t in tokens),
        "recipients": ", ".join(map(str, recipients)),
        "run": run,
    }
