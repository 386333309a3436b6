package io.mmaas.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one protobuf message in memory: just the wire format ONNX needs (varints, length-delimited fields, packed
 * fixed32 floats), so the module writes models without a protobuf library. Nested messages are built by their own
 * writer and embedded whole. For fields too large for the heap, {@link #lengthHeader} writes only a field's key and
 * length, and the caller streams the content itself.
 */
final class ProtoWriter {
  private byte[] buf = new byte[64];
  private int size;

  ProtoWriter varint(int field, long value) {
    key(field, ProtoReader.VARINT);
    rawVarint(value);
    return this;
  }

  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter bytes(int field, byte[] value) {
    lengthHeader(field, value.length);
    raw(value);
    return this;
  }

  ProtoWriter message(int field, ProtoWriter message) {
    lengthHeader(field, message.size);
    ensure(message.size);
    System.arraycopy(message.buf, 0, buf, size, message.size);
    size += message.size;
    return this;
  }

  /** A packed repeated float field: each value as 4 little-endian bytes. */
  ProtoWriter packedFloats(int field, float[] values) {
    lengthHeader(field, 4L * values.length);
    ensure(4 * values.length);
    for (float value : values) {
      int bits = Float.floatToRawIntBits(value);
      buf[size++] = (byte) bits;
      buf[size++] = (byte) (bits >>> 8);
      buf[size++] = (byte) (bits >>> 16);
      buf[size++] = (byte) (bits >>> 24);
    }
    return this;
  }

  /** The key and length of a length-delimited field whose {@code length} content bytes the caller supplies. */
  ProtoWriter lengthHeader(int field, long length) {
    key(field, ProtoReader.LEN);
    rawVarint(length);
    return this;
  }

  /** Appends bytes that are already encoded. */
  ProtoWriter raw(byte[] encoded) {
    ensure(encoded.length);
    System.arraycopy(encoded, 0, buf, size, encoded.length);
    size += encoded.length;
    return this;
  }

  int size() {
    return size;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void key(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buf[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[size++] = (byte) value;
  }

  private void ensure(int more) {
    if (buf.length - size < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
