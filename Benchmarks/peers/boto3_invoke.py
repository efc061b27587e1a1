"""boto3 peer of the invoke benchmark: invocations per second with a shared client and N threads.

Usage: python3 boto3_invoke.py ENDPOINT CONCURRENCY TOTAL
Prints `boto3_invoke concurrency=C ops_per_s=X cpu_s=U wall_s=W`: U is the user + system CPU time of this
process (every thread, `getrusage(RUSAGE_SELF)`) over the measured window, the same measure the Swift benchmark
records for itself, so invocations per CPU-second compare the two clients without the server's CPU.
"""
import resource
import sys
import threading
import time

import boto3
from botocore.config import Config

endpoint, concurrency, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
payload = b'{"id":"evt-0001","table":"public.orders","op":"insert","new":{"id":42}}'
client = boto3.client(
    "lambda",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDBENCH",
    aws_secret_access_key="bench-secret",
    config=Config(max_pool_connections=concurrency, retries={"max_attempts": 1, "mode": "standard"}),
)


errors = []


def worker(start):
    try:
        for _ in range(start, total, concurrency):
            client.invoke(FunctionName="bench-function", Payload=payload)["Payload"].read()
    except Exception as error:  # noqa: BLE001 - reported below, the figure would be meaningless
        errors.append(error)


# warm-up: one call per connection
threads = [threading.Thread(target=lambda: client.invoke(FunctionName="bench-function", Payload=payload))
           for _ in range(min(concurrency, 64))]
[t.start() for t in threads]
[t.join() for t in threads]
threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


started, cpu_started = time.perf_counter(), cpu_seconds()
[t.start() for t in threads]
[t.join() for t in threads]
elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
if errors:
    sys.exit(f"boto3_invoke: {len(errors)} thread(s) failed: {errors[0]}")
print(f"boto3_invoke concurrency={concurrency} ops_per_s={total / elapsed:.0f} cpu_s={cpu:.3f} wall_s={elapsed:.3f}")
