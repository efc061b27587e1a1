#!/usr/bin/env python3
"""Writes the seed corpora Fuzz/Corpus/<Target>/ from the test fixtures, the documentation and the examples.

Run from anywhere: `python3 Fuzz/Scripts/make-corpus.py`. Existing seeds are replaced; every file is named by the
SHA-1 of its content (as libFuzzer names the inputs it adds), so running it twice changes nothing.
"""
import glob
import hashlib
import json
import os
import re
import shutil
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "Fuzz", "Corpus")

# The order of NetworkInput.allCases (Sources/DBLambdaNetwork/AWSNetwork.swift): FuzzNetwork's kind byte.
NETWORK_INPUTS = [
    "describe-db-instances.json", "describe-db-clusters.json", "describe-db-parameters.json",
    "describe-vpcs.json", "describe-vpc-attribute-enableDnsSupport.json",
    "describe-vpc-attribute-enableDnsHostnames.json", "describe-subnets.json", "describe-route-tables.json",
    "describe-security-groups.json", "describe-network-acls.json", "describe-nat-gateways.json",
    "describe-internet-gateways.json", "describe-vpc-endpoints.json",
]
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders-sync"


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


def compact(data):
    """Compact JSON text (smaller seeds run faster); the input as is when it is not JSON."""
    try:
        return json.dumps(json.loads(data), separators=(",", ":"), ensure_ascii=False).encode()
    except ValueError:
        return data


def is_json(text):
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def markdown_json_blocks(pattern):
    for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
        text = read(path).decode()
        for block in re.findall(r"```json\n(.*?)```", text, re.S):
            if is_json(block):
                yield compact(block.encode())


def swift_raw_strings(pattern):
    """Single-line raw string literals #"…"# of test sources, interpolations replaced by a function ARN."""
    for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
        text = read(path).decode()
        for literal in re.findall(r'#"(.*?)"#', text):
            yield re.sub(r"\\#\([^)]*\)", FUNCTION_ARN, literal)


def swift_multiline_strings(pattern):
    """Multi-line string literals \"\"\"…\"\"\" of test sources, dedented."""
    for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
        text = read(path).decode()
        for literal in re.findall(r'"""\n(.*?)\n\s*"""', text, re.S):
            if "\\(" not in literal:
                yield textwrap.dedent(literal) + "\n"


def write(target, seeds):
    folder = os.path.join(CORPUS, target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    names = set()
    for seed in seeds:
        data = seed.encode() if isinstance(seed, str) else seed
        name = hashlib.sha1(data).hexdigest()
        if name not in names:
            names.add(name)
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(data)
    print(f"{target}: {len(names)} seeds")


def events():
    seeds = [compact(read(p)) for p in sorted(glob.glob(f"{ROOT}/Tests/DBLambdaEventsTests/Fixtures/*.json"))]
    seeds += list(markdown_json_blocks("Documentation/*.md"))
    seeds += [s.encode() for s in swift_raw_strings("Tests/DBLambdaEventsTests/*.swift") if is_json(s)]
    seeds += [b"[]", b"{}", b"-0.0e+10", b'"\\ud83d\\ude00\\u0000"', b"[" * 64 + b"]" * 64, b'{"a":1,"a":2}']
    return seeds


def policy():
    seeds = [s for s in swift_raw_strings("Tests/DBLambdaIAMTests/*.swift") if "Statement" in s]
    seeds += [b for b in markdown_json_blocks("Documentation/IAM.md") if b"Statement" in b]
    return seeds


def arn():
    pattern = re.compile(r"arn:[A-Za-z0-9-]+:[^\"\s\\)`'<>,]*")
    seeds = set()
    for folder in ["Tests/DBLambdaCoreTests", "Tests/DBLambdaIAMTests", "Tests/DBLambdaInvokeTests"]:
        for path in glob.glob(os.path.join(ROOT, folder, "*.swift")):
            seeds.update(pattern.findall(read(path).decode()))
    seeds.update([
        "us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1", "us-isob-east-1", "123456789012",
        "$LATEST", "$LATEST.PUBLISHED", "live", "7", "orders-sync", "123456789012:function:orders-sync:live",
        "function:orders-sync", "orders-sync:$LATEST",
    ])
    return sorted(seeds)


def network():
    seeds = []
    folders = sorted(glob.glob(f"{ROOT}/Tests/DBLambdaNetworkTests/Fixtures/*/"))
    folders += sorted(glob.glob(f"{ROOT}/Examples/*/network/"))
    for folder in folders:
        documents = []
        for index, name in enumerate(NETWORK_INPUTS):
            path = os.path.join(folder, name)
            if os.path.exists(path):
                documents.append(bytes([index]) + compact(read(path)))
        if documents:
            seeds.append(b"\0".join(documents))
    # Single documents of one scenario: small, fast seeds for each importer.
    for index, name in enumerate(NETWORK_INPUTS):
        path = f"{ROOT}/Tests/DBLambdaNetworkTests/Fixtures/endpoint-postgres/{name}"
        if os.path.exists(path):
            seeds.append(bytes([index]) + compact(read(path)))
    return seeds


def shared_config():
    files = [s for s in swift_multiline_strings("Tests/DBLambdaCredentialsTests/*.swift") if "[" in s]
    seeds = []
    for text in files:
        seeds.append(text + "\0")
        seeds.append("\0" + text)
    seeds.append("[default]\nregion = us-east-1\n[profile dev]\nregion=eu-west-1\ns3 =\n  addressing_style = path\n"
                 "\0[dev]\naws_access_key_id = AKID\naws_secret_access_key = secret\naws_session_token = t\n")
    return seeds


def invoke_response():
    return [
        "404\nx-amzn-RequestId: 1a2b\nx-amzn-ErrorType: ResourceNotFoundException:http://internal.amazon.com/\n"
        '\n{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:f"}',
        '429\nRetry-After: 3\n\n{"__type":"com.amazonaws#TooManyRequestsException","Reason":"ReservedFunction'
        'ConcurrentInvocationLimitExceeded","message":"Rate exceeded"}',
        "403\n\n<ErrorResponse><Error><Type>Sender</Type><Code>InvalidSignatureException</Code><Message>The "
        "request signature we calculated does not match &amp; &lt;x&gt;</Message></Error><RequestId>r-1"
        "</RequestId></ErrorResponse>",
        '500\n\n{"code":"ServiceException","Message":"internal"}',
        "502\n\n",
        '200\nX-Amz-Function-Error: Unhandled\nX-Amz-Executed-Version: $LATEST\nX-Amz-Log-Result: '
        'U1RBUlQgUmVxdWVzdElkOiAxCg==\n\n{"errorMessage":"boom","errorType":"Error","stackTrace":["a","b"]}',
        '200\nX-Amz-Executed-Version: 3\n\n{"a":1}',
        "202\n\n",
        '400\nx-amzn-ErrorType: InvalidRequestContentException\n\n{"Type":"User","message":"Could not parse"}',
    ]


def sigv4():
    return [read(p) for p in sorted(glob.glob(f"{ROOT}/Tests/DBLambdaSigV4Tests/Fixtures/v4/*/request.txt"))]


def cli_inputs():
    seeds = [read(f"{ROOT}/Examples/sign-request.json")]
    sign = json.loads(read(f"{ROOT}/Examples/sign-request.json"))
    seeds.append(json.dumps([sign, dict(sign, presignExpires=900, body=None, bodyBase64="e30=")]).encode())
    events = [compact(read(p)) for p in sorted(glob.glob(f"{ROOT}/Tests/DBLambdaEventsTests/Fixtures/*.json"))]
    seeds += events[:4]
    seeds.append(b"\n".join(events) + b"\n\n")
    return seeds


if __name__ == "__main__":
    write("FuzzEvents", events())
    write("FuzzPolicy", policy())
    write("FuzzARN", arn())
    write("FuzzNetwork", network())
    write("FuzzSharedConfig", shared_config())
    write("FuzzInvokeResponse", invoke_response())
    write("FuzzSigV4", sigv4())
    write("FuzzCLIInputs", cli_inputs())
