#!/usr/bin/env python3
"""Writes the seed corpora of the OIP codec fuzz targets (runtime-agent). Run from the repository root.

JsonInferRequestFuzzTest: a digit (the model, see CodecFuzzing.MODELS) then a JSON body.
BinaryTensorFuzzTest: a digit, the Inference-Header-Content-Length value and a newline, then the body.
"""
import json
import os
import struct

BASE = "runtime-agent/src/test/resources/io/mmaas/agent/oip"


def write(target, name, data):
    d = os.path.join(BASE, target + "Inputs", "decode")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def j(model, obj):
    return str(model).encode() + (obj if isinstance(obj, bytes) else json.dumps(obj).encode())


def inp(name, dt, shape, data=None, size=None):
    i = {"name": name, "datatype": dt, "shape": shape}
    if data is not None:
        i["data"] = data
    if size is not None:
        i["parameters"] = {"binary_data_size": size}
    return i


J = "JsonInferRequestFuzzTest"
write(J, "fp32-valid", j(0, {"id": "r1", "inputs": [inp("x", "FP32", [1, 4], [1.5, -2, 3e38, 0])]}))
write(J, "fp32-nested-outputs", j(0, {"inputs": [inp("x", "FP32", [2, 4], [[1, 2, 3, 4], [5, 6, 7, 8]])],
                                      "outputs": [{"name": "x_out", "parameters": {"binary_data": True}}],
                                      "parameters": {"binary_data_output": False}}))
write(J, "fp32-too-few", j(0, {"inputs": [inp("x", "FP32", [1, 4], [1, 2, 3])]}))
write(J, "fp32-wrong-type", j(0, {"inputs": [inp("x", "INT32", [1, 4], [1, 2, 3, 4])]}))
write(J, "fp32-out-of-range", j(0, {"inputs": [inp("x", "FP32", [1, 4], [1e39, 2, 3, 4])]}))
write(J, "int64-rank3", j(1, {"inputs": [inp("x", "INT64", [1, 2, 2], [[[9223372036854775807, -1], [0, 1]], [[2, 3], [4, 5]]])]}))
write(J, "int64-huge-dims-zero", j(1, {"inputs": [inp("x", "INT64", [4611686018427387904, 4, 0], [])]}))
write(J, "int64-huge-dims", j(1, {"inputs": [inp("x", "INT64", [9223372036854775807, 9223372036854775807, 2], [1])]}))
write(J, "int64-negative-dim", j(1, {"inputs": [inp("x", "INT64", [-1, 1, 1], [1])]}))
write(J, "bytes-valid", j(2, {"inputs": [inp("x", "BYTES", [3], ["a", "", "\u00fcn\u00efc\u00f6d\u00e9"])]}))
write(J, "bytes-escapes", j(2, b'{"id":"\\u00e9\\n","inputs":[{"name":"x","datatype":"BYTES","shape":[1],"data":["\\"q\\""]}]}'))
write(J, "bool-valid", j(3, {"inputs": [inp("x", "BOOL", [2, 2], [[True, False], [False, True]])]}))
write(J, "bool-number", j(3, {"inputs": [inp("x", "BOOL", [2, 2], [1, 0, 1, 0])]}))
write(J, "two-inputs", j(4, {"inputs": [inp("x", "FP16", [2], [0.5, 65504]),
                                        inp("y", "UINT64", [1, 2], [18446744073709551615, 0])]}))
write(J, "two-inputs-missing", j(4, {"inputs": [inp("x", "FP16", [2], [0.5, 1])]}))
write(J, "three-inputs-scalar", j(5, {"inputs": [inp("x", "INT8", [1, 2], [-128, 127]), inp("y", "BF16", [3], [1, 2, 3]),
                                                 inp("z", "FP64", [], [3.141592653589793])]}))
write(J, "duplicate-input", j(0, {"inputs": [inp("x", "FP32", [1, 4], [1, 2, 3, 4]), inp("x", "FP32", [1, 4], [1, 2, 3, 4])]}))
write(J, "trailing-garbage", j(0, b'{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]} x'))
write(J, "truncated", j(0, b'{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,'))
write(J, "not-object", j(0, b'[1,2,3]'))
write(J, "data-object", j(0, b'{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[{"a":1}]}]}'))

B = "BinaryTensorFuzzTest"


def b(model, header, binary, declared=None):
    h = json.dumps(header).encode()
    length = len(h) if declared is None else declared
    return str(model).encode() + str(length).encode() + b"\n" + h + binary


def strings(*items):
    out = b""
    for s in items:
        e = s.encode()
        out += struct.pack("<I", len(e)) + e
    return out


write(B, "fp32-valid", b(0, {"inputs": [inp("x", "FP32", [1, 4], size=16)], "outputs": [{"name": "x_out"}]},
                         struct.pack("<4f", 1, 2, 3, 4)))
write(B, "fp32-binary-output", b(0, {"inputs": [inp("x", "FP32", [1, 4], size=16)],
                                     "parameters": {"binary_data_output": True}}, struct.pack("<4f", 1, 2, 3, 4)))
write(B, "fp32-short", b(0, {"inputs": [inp("x", "FP32", [1, 4], size=16)]}, struct.pack("<3f", 1, 2, 3)))
write(B, "fp32-size-not-multiple", b(0, {"inputs": [inp("x", "FP32", [1, 4], size=15)]}, b"\0" * 15))
write(B, "header-too-long", b(0, {"inputs": [inp("x", "FP32", [1, 4], size=16)]}, b"\0" * 16, declared=100000))
write(B, "header-negative", b(0, {"inputs": [inp("x", "FP32", [1, 4], size=16)]}, b"\0" * 16, declared=-5))
write(B, "no-header", b"0" + json.dumps({"inputs": [inp("x", "FP32", [1, 4], size=16)]}).encode() + b"\0" * 16)
write(B, "int64-valid", b(1, {"inputs": [inp("x", "INT64", [1, 1, 2], size=16)]}, struct.pack("<2q", -1, 2 ** 62)))
write(B, "int64-huge-dims-zero", b(1, {"inputs": [inp("x", "INT64", [4611686018427387904, 4, 0], size=0)]}, b""))
write(B, "bytes-valid", b(2, {"inputs": [inp("x", "BYTES", [2], size=len(strings("ab", "\u00e9")))]},
                          strings("ab", "\u00e9")))
write(B, "bytes-truncated", b(2, {"inputs": [inp("x", "BYTES", [1], size=6)]}, struct.pack("<I", 99) + b"ab"))
write(B, "bytes-bad-utf8", b(2, {"inputs": [inp("x", "BYTES", [1], size=6)]}, struct.pack("<I", 2) + b"\xff\xfe"))
write(B, "bool-valid", b(3, {"inputs": [inp("x", "BOOL", [2, 2], size=4)]}, b"\x01\x00\x02\x01"))
write(B, "mixed-json-binary", b(4, {"inputs": [inp("x", "FP16", [2], [0.5, 1.0]), inp("y", "UINT64", [1, 1], size=8)]},
                                struct.pack("<Q", 2 ** 64 - 1)))
write(B, "three-binary", b(5, {"inputs": [inp("x", "INT8", [1, 2], size=2), inp("y", "BF16", [3], size=6),
                                          inp("z", "FP64", [], size=8)]},
                           b"\x80\x7f" + struct.pack("<3H", 0x3f80, 0x7f80, 0xff80) + struct.pack("<d", 1e308)))
write(B, "both-data-and-size", b(0, {"inputs": [dict(inp("x", "FP32", [1, 4], [1, 2, 3, 4]), parameters={"binary_data_size": 16})]},
                                 b"\0" * 16))
