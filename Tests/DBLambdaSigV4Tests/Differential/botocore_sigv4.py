#!/usr/bin/env python3
"""Differential oracle for DBLambdaSigV4: signs seeded random requests with botocore's SigV4Auth.

Usage: botocore_sigv4.py --seed SEED --count N

Writes N JSON lines to standard output, each
  {"input": <a `dblambda sign` input object>, "canonicalRequest", "stringToSign", "signature", "authorization"}
where the expected values come from botocore.auth.SigV4Auth with the signing time pinned to the
input's "date" (the module-level get_current_datetime is replaced, as botocore's own tests mock it).
The same seed always gives the same lines.

The generator stays inside the region where botocore and the dblambda contract agree; the few
places where they differ are avoided on purpose:
  * queries are produced already in canonical form (only A-Za-z0-9-_.~ raw, everything else %XX with
    uppercase hex, no raw '+', no empty '&&' pieces): botocore sorts the raw query pieces without
    decoding them, while the contract decodes and re-encodes each key and value;
  * no Date, X-Amz-Date, Authorization, X-Amz-Security-Token or X-Amz-Content-SHA256 input headers
    (botocore replaces or reinterprets them);
  * header values are printable ASCII plus spaces and tabs (Python's str.split() would also split
    on Unicode spaces such as U+00A0; HTTP field values cannot carry CR/LF);
  * no '?', '#', tab, CR/LF or trailing space inside paths (urlsplit would cut or strip them);
  * unsigned payloads only over https (botocore always signs the payload over http).
"""

import argparse
import base64
import datetime
import json
import random
import sys

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

PATH_PIECES = [
    "a", "b", "example", "functions", "my-function", "invocations", "2015-03-31", "x_y", "A~B", "v1.2",
    ":", "@", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "%3A", "%2F", "%20", "%25", "%E1%88%B4",
    "%2e", "%", "é", "ß", "日本", "🙂", "ሴ", "a b", "sp ace", "[", "]", "|", "^", "`", "{", "}", '"', "<", ">",
    "\\",
]
SEGMENT_SPECIALS = [".", "..", ""]
QUERY_CHARS = "abcXYZ019-_.~ !*'();:@&=+$,/?#[]%éሴ🙂"
HEADER_NAMES = [
    "Content-Type", "Accept", "X-Amz-Target", "X-Amz-Invocation-Type", "X-Amz-Log-Type", "X-Amz-Client-Context",
    "X-Custom", "x-custom", "X-CUSTOM", "My-Header1", "my-header2", "Content-Length", "Content-Encoding",
    "X-Amz-Meta-a", "Cache-Control", "If-Match",
    # never signed
    "User-Agent", "Expect", "Connection", "Keep-Alive", "X-Amzn-Trace-Id", "Transfer-Encoding", "TE", "Upgrade",
    "Proxy-Authorization", "Trailer",
]
HEADER_VALUE_CHARS = "abcXYZ0189 \t!#$%&'*+-.^_`|~\"(),/:;<=>?@[\\]{}"
HOSTS = [
    "lambda.us-east-1.amazonaws.com", "example.amazonaws.com", "rds.eu-west-3.amazonaws.com", "localhost",
    "127.0.0.1", "sts.cn-north-1.amazonaws.com.cn",
]
REGIONS = ["us-east-1", "eu-west-3", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
SERVICES = ["lambda", "service", "rds-db", "sts", "execute-api", "iam"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def encode(text):
    out = []
    for byte in text.encode("utf-8"):
        out.append(chr(byte) if byte in UNRESERVED else "%%%02X" % byte)
    return "".join(out)


def random_path(rng):
    if rng.random() < 0.08:
        return ""
    if rng.random() < 0.1:
        arn = "arn:aws:lambda:us-east-1:123456789012:function:my-fn"
        if rng.random() < 0.5:
            arn += ":" + rng.choice(["$LATEST", "prod", "7"])
        return "/2015-03-31/functions/" + encode(arn) + "/invocations"
    segments = []
    for _ in range(rng.randint(0, 7)):
        roll = rng.random()
        if roll < 0.25:
            segments.append(rng.choice(SEGMENT_SPECIALS))
        else:
            segments.append("".join(rng.choice(PATH_PIECES) for _ in range(rng.randint(1, 3))))
    path = "/" + "/".join(segments)
    if rng.random() < 0.3:
        path += "/"
    if rng.random() < 0.05:
        path = "//" + path
    return path.rstrip(" ") or "/"


def random_query(rng):
    if rng.random() < 0.4:
        return None
    pairs = []
    keys = [encode("".join(rng.choice(QUERY_CHARS) for _ in range(rng.randint(0, 5)))) for _ in range(3)]
    for _ in range(rng.randint(1, 6)):
        key = rng.choice(keys)
        roll = rng.random()
        if roll < 0.15 and key:
            pairs.append(key)  # a key without "=": canonical value is empty
        elif roll < 0.3:
            pairs.append(key + "=")
        else:
            value = encode("".join(rng.choice(QUERY_CHARS) for _ in range(rng.randint(0, 8))))
            pairs.append(key + "=" + value)
    if rng.random() < 0.1:
        pairs += ["a=", "a=b"]
    return "&".join(pairs)


def random_header_value(rng):
    roll = rng.random()
    if roll < 0.05:
        return ""
    if roll < 0.1:
        return "  \t "
    text = "".join(rng.choice(HEADER_VALUE_CHARS) for _ in range(rng.randint(1, 24)))
    if rng.random() < 0.3:
        text = rng.choice([" ", "\t", "  ", " \t "]) + text
    if rng.random() < 0.3:
        text += rng.choice([" ", "\t", "   "])
    return text


def random_body(rng):
    roll = rng.random()
    if roll < 0.3:
        return None, None
    if roll < 0.6:
        text = json.dumps({"id": rng.randint(0, 10**12), "name": "ü" * rng.randint(0, 3), "tags": ["a", "b"]})
        return "text", text
    data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300)))
    return "binary", data


def random_date(rng):
    seconds = rng.randint(946684800, 4102444799)  # 2000-01-01 .. 2099-12-31
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)


class RecordingSigV4Auth(SigV4Auth):
    def string_to_sign(self, request, canonical_request):
        self.recorded_canonical_request = canonical_request
        self.recorded_string_to_sign = super().string_to_sign(request, canonical_request)
        return self.recorded_string_to_sign

    def signature(self, string_to_sign, request):
        self.recorded_signature = super().signature(string_to_sign, request)
        return self.recorded_signature


def generate(rng):
    scheme = "https" if rng.random() < 0.85 else "http"
    host = rng.choice(HOSTS)
    port_roll = rng.random()
    if port_roll < 0.1:
        host += ":443" if scheme == "https" else ":80"
    elif port_roll < 0.2:
        host += ":" + str(rng.randint(1024, 65535))
    url = scheme + "://" + host + random_path(rng)
    query = random_query(rng)
    if query is not None:
        url += "?" + query

    headers = []
    for _ in range(rng.randint(0, 6)):
        headers.append([rng.choice(HEADER_NAMES), random_header_value(rng)])
    if rng.random() < 0.1:
        headers.insert(rng.randint(0, len(headers)), ["Host", host.split(":")[0] if rng.random() < 0.5 else host])

    body_kind, body = random_body(rng)
    token = None
    if rng.random() < 0.3:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
        token = "".join(rng.choice(alphabet) for _ in range(rng.randint(16, 400)))
    unsigned = scheme == "https" and rng.random() < 0.15
    when = random_date(rng)
    spec = {
        "method": rng.choice(METHODS),
        "url": url,
        "headers": headers,
        "accessKeyId": "AKID" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
        "secretAccessKey": "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/")
                                   for _ in range(40)),
        "region": rng.choice(REGIONS),
        "service": rng.choice(SERVICES),
        "date": when.strftime("%Y%m%dT%H%M%SZ"),
    }
    if token is not None:
        spec["sessionToken"] = token
    if unsigned:
        spec["unsignedPayload"] = True
    if body_kind == "text":
        spec["body"] = body
    elif body_kind == "binary":
        spec["bodyBase64"] = base64.b64encode(body).decode("ascii")
    return spec, when, body


def sign(spec, when, body):
    data = body.encode("utf-8") if isinstance(body, str) else body
    request = AWSRequest(method=spec["method"], url=spec["url"], data=data)
    for name, value in spec["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: repeated names are kept in order
    if spec.get("unsignedPayload"):
        request.context["payload_signing_enabled"] = False
    credentials = Credentials(spec["accessKeyId"], spec["secretAccessKey"], spec.get("sessionToken"))
    auth = RecordingSigV4Auth(credentials, spec["service"], spec["region"])
    botocore.auth.get_current_datetime = lambda *args, **kwargs: when
    auth.add_auth(request)
    return {
        "input": spec,
        "canonicalRequest": auth.recorded_canonical_request,
        "stringToSign": auth.recorded_string_to_sign,
        "signature": auth.recorded_signature,
        "authorization": request.headers["Authorization"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    out = sys.stdout
    for _ in range(arguments.count):
        spec, when, body = generate(rng)
        out.write(json.dumps(sign(spec, when, body), ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
