#!/usr/bin/env python3
"""Peer for the `sigv4` benchmark: botocore's SigV4Auth signing the same Lambda Invoke request.

Same request as Benchmarks/SigV4Benchmarks: POST https://lambda.us-east-1.amazonaws.com/2015-03-31/
functions/my-function/invocations with a 1 KiB JSON body, a session token, Content-Type and
X-Amz-Invocation-Type headers. A new AWSRequest per signature (as a client signs each new request).
Prints `botocore_sigv4 ops_per_s=<best of runs>` (a new AWSRequest per signature) and
`botocore_sigv4_prebuilt ops_per_s=…` (one AWSRequest signed again and again).
"""
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

def body_1k() -> bytes:
    # Must match the Swift benchmark's body byte for byte (1024 bytes of JSON).
    head = b'{"id":"evt-0001","table":"public.orders","payload":"'
    tail = b'"}'
    return head + b"x" * (1024 - len(head) - len(tail)) + tail

def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-example")
    signer = SigV4Auth(creds, "lambda", "us-east-1")
    body = body_1k()
    assert len(body) == 1024
    url = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/my-function/invocations"
    headers = {"Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"}

    def build_and_sign() -> None:
        request = AWSRequest(method="POST", url=url, data=body, headers=headers)
        signer.add_auth(request)

    prebuilt = AWSRequest(method="POST", url=url, data=body, headers=headers)

    def sign_prebuilt() -> None:
        # add_auth replaces X-Amz-Date, X-Amz-Security-Token and Authorization on each call
        signer.add_auth(prebuilt)

    print(f"botocore_sigv4 ops_per_s={measure(build_and_sign, seconds, runs):.0f}")
    print(f"botocore_sigv4_prebuilt ops_per_s={measure(sign_prebuilt, seconds, runs):.0f}")


def measure(sign_once, seconds: float, runs: int) -> float:
    for _ in range(2000):  # warm-up
        sign_once()
    best = 0.0
    for _ in range(runs):
        count = 0
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            for _ in range(200):
                sign_once()
            count += 200
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, count / (now - start))
    return best

if __name__ == "__main__":
    main()
