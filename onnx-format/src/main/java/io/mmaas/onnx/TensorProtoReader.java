package io.mmaas.onnx;

import static io.mmaas.onnx.ProtoReader.fieldNumber;
import static io.mmaas.onnx.ProtoReader.wireType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes a serialized ONNX {@code TensorProto} (the {@code input_N.pb} / {@code output_N.pb} files of ONNX's backend
 * test data) into {@link TensorProto}: {@code raw_data} as it is, and the typed fields ({@code float_data},
 * {@code int32_data} — which also carries INT8/16, UINT8/16, BOOL, FLOAT16 and BFLOAT16 as their bit patterns —,
 * {@code int64_data}, {@code double_data}, {@code uint64_data} — UINT32 and UINT64 —, {@code string_data})
 * converted to the same little-endian bytes. Packed and unpacked repeated fields are both accepted. Tensors with
 * external data or a segment are refused.
 */
public final class TensorProtoReader {
  private TensorProtoReader() {}

  /** Decodes {@code bytes}; fails when they are not a tensor this reader can turn into elements. */
  public static TensorProto read(byte[] bytes) throws InvalidModelException {
    try {
      return read(ProtoReader.of(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("reading from a byte array cannot fail", e);
    }
  }

  private static TensorProto read(ProtoReader in) throws InvalidModelException, IOException {
    long end = in.size();
    List<Long> dims = new ArrayList<>();
    int elemType = 0;
    String name = "";
    byte[] raw = null;
    List<byte[]> strings = new ArrayList<>();
    ByteArrayOutputStream floats = new ByteArrayOutputStream();
    ByteArrayOutputStream doubles = new ByteArrayOutputStream();
    List<Long> int32s = new ArrayList<>();
    List<Long> int64s = new ArrayList<>();
    List<Long> uint64s = new ArrayList<>();
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> varints(in, tag, end, dims, "TensorProto.dims");
        case 2 -> elemType = (int) in.readVarintField(tag, end, "TensorProto.data_type");
        case 3 -> throw new InvalidModelException("the tensor is segmented (TensorProto.segment)");
        case 4 -> fixed(in, tag, end, 4, floats, "TensorProto.float_data");
        case 5 -> varints(in, tag, end, int32s, "TensorProto.int32_data");
        case 6 -> strings.add(bytes(in, tag, end, "TensorProto.string_data"));
        case 7 -> varints(in, tag, end, int64s, "TensorProto.int64_data");
        case 8 -> name = in.readString(tag, end, "tensor name", ReadLimits.MAX_STRING_BYTES);
        case 9 -> raw = bytes(in, tag, end, "TensorProto.raw_data");
        case 10 -> fixed(in, tag, end, 8, doubles, "TensorProto.double_data");
        case 11 -> varints(in, tag, end, uint64s, "TensorProto.uint64_data");
        case 13 -> throw new InvalidModelException("the tensor's data is external (TensorProto.external_data)");
        case 14 -> {
          if (in.readVarintField(tag, end, "TensorProto.data_location") != 0) {
            throw new InvalidModelException("the tensor's data is external (TensorProto.data_location)");
          }
        }
        default -> in.skip(tag, end);
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    TensorProto shell = new TensorProto(name, elemType, shape, new byte[0], null);
    long count;
    try {
      count = shell.elementCount();
    } catch (ArithmeticException e) {
      throw new InvalidModelException("tensor '" + name + "': dims " + Arrays.toString(shape) + " overflow");
    }
    if (elemType == TensorProto.STRING) {
      if (strings.size() != count) {
        throw mismatch(name, shape, strings.size() + " strings");
      }
      return new TensorProto(name, elemType, shape, null, List.copyOf(strings));
    }
    int size = TensorProto.elementBytes(elemType);
    if (size <= 0) {
      throw new InvalidModelException("tensor '" + name + "': element type " + elemType + " is not decoded here");
    }
    byte[] data;
    if (raw != null) {
      data = raw;
    } else {
      data = switch (elemType) {
        case 1, 14 -> floats.toByteArray();
        case 11, 15 -> doubles.toByteArray();
        case 7 -> little(int64s, 8);
        case 12, 13 -> little(uint64s, size);
        default -> little(int32s, size);
      };
    }
    if (data.length != count * size) {
      throw mismatch(name, shape, data.length + " bytes of element type " + elemType);
    }
    return new TensorProto(name, elemType, shape, data, null);
  }

  private static InvalidModelException mismatch(String name, long[] shape, String held) {
    return new InvalidModelException("tensor '" + name + "': dims " + Arrays.toString(shape) + " but " + held);
  }

  /** The low {@code size} bytes of each value, little-endian. */
  private static byte[] little(List<Long> values, int size) {
    byte[] out = new byte[values.size() * size];
    for (int i = 0; i < values.size(); i++) {
      long v = values.get(i);
      for (int b = 0; b < size; b++) {
        out[i * size + b] = (byte) (v >>> (8 * b));
      }
    }
    return out;
  }

  private static byte[] bytes(ProtoReader in, int tag, long end, String field)
      throws InvalidModelException, IOException {
    return in.readBytes(tag, end, field, Integer.MAX_VALUE - 16);
  }

  /** A repeated varint field, packed (one length-delimited run) or not (one key per value). */
  private static void varints(ProtoReader in, int tag, long end, List<Long> into, String field)
      throws InvalidModelException, IOException {
    if (wireType(tag) == ProtoReader.VARINT) {
      into.add(in.readVarint(end));
      return;
    }
    long fieldEnd = in.readLengthDelimited(tag, end, field);
    while (in.position() < fieldEnd) {
      into.add(in.readVarint(fieldEnd));
    }
  }

  /** A repeated fixed-width field ({@code width} 4 or 8 bytes, little-endian on the wire as in memory here). */
  private static void fixed(ProtoReader in, int tag, long end, int width, ByteArrayOutputStream into, String field)
      throws InvalidModelException, IOException {
    if (wireType(tag) != ProtoReader.LEN) {
      in.expectWireType(tag, width == 4 ? ProtoReader.FIXED32 : ProtoReader.FIXED64, field);
      into.writeBytes(in.readFixed(width, end));
      return;
    }
    byte[] packed = in.readBytes(tag, end, field, Integer.MAX_VALUE - 16);
    if (packed.length % width != 0) {
      throw new InvalidModelException("the field '" + field + "' is not a whole number of " + width + "-byte values");
    }
    into.writeBytes(packed);
  }
}
