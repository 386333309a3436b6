#!/usr/bin/env python3
"""Writes the seed corpora of the control plane's fuzz targets (ApiKeyFormatFuzzTest, TokensFuzzTest). Run from
the repository root."""
import base64
import binascii
import hashlib
import hmac
import json
import os
import uuid

BASE = "control-plane/src/test/resources/io/mmaas/controlplane"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def write(pkg, target, method, name, data):
    d = os.path.join(BASE, pkg, target + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def checksum(body):
    v = binascii.crc32(body.encode("ascii")) & 0xFFFFFFFF
    out = []
    for _ in range(6):
        out.append(BASE62[v % 62])
        v //= 62
    return "".join(reversed(out))


body = "mmaas_" + "AbCdEf012345" + "_" + "0123456789abcdefghijABCDEFGHIJxy"
key = body + checksum(body)
K = ("keys", "ApiKeyFormatFuzzTest", "parse")
write(*K, "valid", key)
write(*K, "bad-checksum", key[:-1] + ("A" if key[-1] != "A" else "B"))
write(*K, "one-short", key[:-1])
write(*K, "one-long", key + "0")
write(*K, "no-separator", key.replace("_", "-"))
write(*K, "prefix-case", "MMAAS_" + key[6:])
write(*K, "non-ascii", key[:20] + "\u00e9" + key[21:])
write(*K, "latin1", b"\0" + key[:20].encode() + b"\xff" + key[21:].encode())
write(*K, "generate", "g")
write(*K, "bearer", "Bearer " + key)

T = ("auth", "TokensFuzzTest", "verify")
SIGNING = b"fuzz-signing-key-0123456789abcdef0123"
header = {"alg": "HS256", "typ": "JWT", "kid": "k1"}
claims = {"iss": "mmaas-control-plane", "aud": "mmaas-admin-api", "sub": str(uuid.UUID(int=1)),
          "sid": str(uuid.UUID(int=2)), "iat": 1764000000, "exp": 4102444800}


def js(o):
    return json.dumps(o, separators=(",", ":"))


def signed(h, c):
    return js(h) + "\n" + js(c)


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def raw(h, c, key):
    si = b64(js(h).encode()) + "." + b64(js(c).encode())
    return si + "." + b64(hmac.new(key, si.encode(), hashlib.sha256).digest())


write(*T, "signed-valid", "s" + signed(header, claims))
write(*T, "signed-default-header", "s" + js(claims))
write(*T, "rotated-key", "p" + signed(dict(header, kid="k0"), claims))
write(*T, "unknown-key", "o" + signed(header, claims))
write(*T, "exp-string", "s" + signed(header, dict(claims, exp="4102444800")))
write(*T, "exp-past", "s" + signed(header, dict(claims, exp=1000)))
write(*T, "exp-float", "s" + signed(header, dict(claims, exp=4102444800.5)))
write(*T, "aud-array", "s" + signed(header, dict(claims, aud=["other", "mmaas-admin-api"])))
write(*T, "aud-wrong", "s" + signed(header, dict(claims, aud="other")))
write(*T, "iss-number", "s" + signed(header, dict(claims, iss=7)))
write(*T, "sub-not-uuid", "s" + signed(header, dict(claims, sub="admin")))
write(*T, "sid-missing", "s" + signed(header, {k: v for k, v in claims.items() if k != "sid"}))
write(*T, "alg-none", "s" + signed(dict(header, alg="none"), claims))
write(*T, "alg-hs512", "s" + signed(dict(header, alg="HS512"), claims))
write(*T, "kid-unknown", "s" + signed(dict(header, kid="zz"), claims))
write(*T, "payload-not-json", "s" + js(header) + "\n" + "{\"sub\":")
write(*T, "payload-array", "s" + js(header) + "\n" + "[1,2]")
write(*T, "raw-valid", "r" + raw(header, claims, SIGNING))
write(*T, "raw-unsigned", "r" + b64(js(dict(header, alg="none")).encode()) + "." + b64(js(claims).encode()) + ".")
write(*T, "raw-garbage", "ra.b.c")
write(*T, "raw-dots", "r..")
