package io.mmaas.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * A protobuf wire-format reader over a file or a byte array that keeps at most one small buffer in memory.
 *
 * <p>It never follows the data: a message is walked field by field between absolute positions, and a field the
 * caller does not want is skipped by moving the position past it, so a multi-gigabyte initializer costs one seek.
 * Every length is checked against the end of its enclosing message before it is used, which makes hostile input
 * fail fast with {@link InvalidModelException} instead of reading past the end, allocating what it claims, or
 * looping.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  private static final int FILE_BUFFER_BYTES = 64 * 1024;
  private static final long MAX_FIELD_NUMBER = (1 << 29) - 1;

  private final FileChannel channel;
  private final long size;
  private final byte[] buf;
  private final ByteBuffer window;
  private long bufStart;
  private int bufLen;
  private long pos;

  private ProtoReader(FileChannel channel, long size, byte[] buf, int bufLen) {
    this.channel = channel;
    this.size = size;
    this.buf = buf;
    this.window = channel == null ? null : ByteBuffer.wrap(buf);
    this.bufLen = bufLen;
  }

  static ProtoReader of(byte[] bytes) {
    return new ProtoReader(null, bytes.length, bytes, bytes.length);
  }

  /** The channel stays owned by the caller. */
  static ProtoReader of(FileChannel channel) throws IOException {
    return new ProtoReader(channel, channel.size(), new byte[FILE_BUFFER_BYTES], 0);
  }

  long size() {
    return size;
  }

  long position() {
    return pos;
  }

  /** Moves to an absolute position obtained from this reader (a field or message end). */
  void seek(long position) {
    pos = position;
  }

  static int fieldNumber(int tag) {
    return tag >>> 3;
  }

  static int wireType(int tag) {
    return tag & 7;
  }

  /** Reads a field key, rejecting field number 0 and the group wire types ONNX never uses. */
  int readTag(long end) throws InvalidModelException, IOException {
    long at = pos;
    long key = readVarint(end);
    long field = key >>> 3;
    int wireType = (int) (key & 7);
    if (field == 0 || field > MAX_FIELD_NUMBER) {
      throw malformed(at, "invalid protobuf field number " + Long.toUnsignedString(field));
    }
    if (wireType != VARINT && wireType != FIXED64 && wireType != LEN && wireType != FIXED32) {
      throw malformed(at, "unsupported protobuf wire type " + wireType);
    }
    return (int) key;
  }

  long readVarint(long end) throws InvalidModelException, IOException {
    long at = pos;
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte(end, at);
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw malformed(at, "a varint is longer than 10 bytes");
  }

  /** Reads a varint field after checking that the key says it is one. */
  long readVarintField(int tag, long end, String fieldName) throws InvalidModelException, IOException {
    expectWireType(tag, VARINT, fieldName);
    return readVarint(end);
  }

  /**
   * Reads the length of a length-delimited field and returns the absolute position where the field ends, which is
   * never past {@code end}. The reader is left at the first byte of the field's content.
   */
  long readLengthDelimited(int tag, long end, String fieldName) throws InvalidModelException, IOException {
    expectWireType(tag, LEN, fieldName);
    long at = pos;
    long length = readVarint(end);
    long remaining = end - pos;
    if (length < 0 || length > remaining) {
      throw new InvalidModelException(
          "Not a valid ONNX model: the field '" + fieldName + "' at byte " + at + " claims "
              + Long.toUnsignedString(length) + " bytes but only " + remaining
              + " remain in its enclosing message (is the file truncated or corrupt?).");
    }
    return pos + length;
  }

  /** Skips the value of a field the caller does not interpret. */
  void skip(int tag, long end) throws InvalidModelException, IOException {
    switch (wireType(tag)) {
      case VARINT -> readVarint(end);
      case FIXED64 -> skipFixed(8, end);
      case FIXED32 -> skipFixed(4, end);
      default -> pos = readLengthDelimited(tag, end, "#" + fieldNumber(tag));
    }
  }

  /** Reads a length-delimited UTF-8 string of at most {@code maxBytes} bytes. */
  String readString(int tag, long end, String fieldName, int maxBytes) throws InvalidModelException, IOException {
    return new String(readBytes(tag, end, fieldName, maxBytes), StandardCharsets.UTF_8);
  }

  /** Reads a length-delimited value of at most {@code maxBytes} bytes. */
  byte[] readBytes(int tag, long end, String fieldName, int maxBytes) throws InvalidModelException, IOException {
    long fieldEnd = readLengthDelimited(tag, end, fieldName);
    long length = fieldEnd - pos;
    if (length > maxBytes) {
      throw new InvalidModelException("Not a valid ONNX model: the " + fieldName + " at byte " + pos + " is "
          + length + " bytes long; at most " + maxBytes + " bytes are accepted.");
    }
    byte[] bytes = new byte[(int) length];
    int copied = 0;
    while (copied < bytes.length) {
      ensureBuffered(pos, fieldEnd);
      int offset = (int) (pos - bufStart);
      int n = Math.min(bytes.length - copied, bufLen - offset);
      System.arraycopy(buf, offset, bytes, copied, n);
      copied += n;
      pos += n;
    }
    return bytes;
  }

  /** Reads {@code width} raw bytes (a fixed32 or fixed64 value, as on the wire). */
  byte[] readFixed(int width, long end) throws InvalidModelException, IOException {
    long at = pos;
    byte[] out = new byte[width];
    for (int i = 0; i < width; i++) {
      out[i] = (byte) readByte(end, at);
    }
    return out;
  }

  void expectWireType(int tag, int expected, String fieldName) throws InvalidModelException {
    if (wireType(tag) != expected) {
      throw malformed(pos, "the field '" + fieldName + "' has protobuf wire type " + wireType(tag)
          + " where the ONNX schema requires " + wireTypeName(expected));
    }
  }

  private void skipFixed(int bytes, long end) throws InvalidModelException {
    if (end - pos < bytes) {
      throw truncated(pos);
    }
    pos += bytes;
  }

  private int readByte(long end, long valueStart) throws InvalidModelException, IOException {
    if (pos >= end) {
      throw truncated(valueStart);
    }
    ensureBuffered(pos, end);
    return buf[(int) (pos++ - bufStart)] & 0xff;
  }

  /** Makes sure the byte at {@code at} (which is before {@code end}, so inside the data) is in the buffer. */
  private void ensureBuffered(long at, long end) throws InvalidModelException, IOException {
    if (at >= bufStart && at < bufStart + bufLen) {
      return;
    }
    // Only a file-backed reader gets here: a byte-array reader's buffer is the whole array.
    window.clear();
    bufStart = at;
    bufLen = 0;
    while (window.hasRemaining() && bufStart + window.position() < size) {
      if (channel.read(window, bufStart + window.position()) < 0) {
        break;
      }
    }
    bufLen = window.position();
    if (bufLen == 0) {
      throw new InvalidModelException(
          "Not a valid ONNX model: the file ended at byte " + at + " while being read (was it changed meanwhile?).");
    }
  }

  private static InvalidModelException truncated(long at) {
    return new InvalidModelException("Not a valid ONNX model: the data ends in the middle of a field that starts at byte "
        + at + " (is the file truncated?).");
  }

  static InvalidModelException malformed(long at, String what) {
    return new InvalidModelException("Not a valid ONNX model: " + what + " at byte " + at + ".");
  }

  private static String wireTypeName(int wireType) {
    return switch (wireType) {
      case VARINT -> "an integer (varint)";
      case LEN -> "a length-delimited value";
      case FIXED32 -> "a 32-bit value";
      default -> "a 64-bit value";
    };
  }
}
