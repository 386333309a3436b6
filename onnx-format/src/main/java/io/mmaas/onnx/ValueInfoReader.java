package io.mmaas.onnx;

import static io.mmaas.onnx.ProtoReader.fieldNumber;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a graph input or output (ValueInfoProto) as declared, leaving the decision whether it can be served to
 * {@link OnnxInspector}.
 */
final class ValueInfoReader {
  /**
   * A declared graph input or output.
   *
   * @param typeKind "tensor", "sequence", "map", "optional", "sparse tensor", "opaque", or null when untyped
   * @param elemType the ONNX element type of a tensor, 0 when absent
   * @param shape -1 for unknown dimensions; null when the rank itself is unknown
   */
  record Declared(String name, String typeKind, long elemType, List<Long> shape) {}

  private final ProtoReader in;
  private final ReadLimits limits;

  ValueInfoReader(ProtoReader in, ReadLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  /** Reads one ValueInfoProto whose content runs from the current position to {@code end}. */
  Declared read(long end) throws InvalidModelException, IOException {
    String name = "";
    DeclaredType type = new DeclaredType();
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> name = in.readString(tag, end, "value name", ReadLimits.MAX_STRING_BYTES);
        case 2 -> {
          long typeEnd = in.readLengthDelimited(tag, end, "ValueInfoProto.type");
          readType(typeEnd, type);
        }
        default -> in.skip(tag, end);
      }
    }
    limits.retain(name.length() * 2L + 64);
    return new Declared(name, type.kind, type.elemType, type.shape);
  }

  /** TypeProto is a oneof: as in protobuf, the last variant present wins. */
  private void readType(long end, DeclaredType type) throws InvalidModelException, IOException {
    while (in.position() < end) {
      int tag = in.readTag(end);
      String variant = switch (fieldNumber(tag)) {
        case 1 -> "tensor";
        case 4 -> "sequence";
        case 5 -> "map";
        case 7 -> "opaque";
        case 8 -> "sparse tensor";
        case 9 -> "optional";
        default -> null;
      };
      if (variant == null) {
        in.skip(tag, end);
        continue;
      }
      type.kind = variant;
      long variantEnd = in.readLengthDelimited(tag, end, "TypeProto." + variant.replace(' ', '_'));
      if (fieldNumber(tag) == 1) {
        readTensorType(variantEnd, type);
      } else {
        in.seek(variantEnd);
      }
    }
  }

  private void readTensorType(long end, DeclaredType type) throws InvalidModelException, IOException {
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> type.elemType = in.readVarintField(tag, end, "TypeProto.Tensor.elem_type");
        case 2 -> {
          long shapeEnd = in.readLengthDelimited(tag, end, "TypeProto.Tensor.shape");
          if (type.shape == null) {
            type.shape = new ArrayList<>(); // a repeated shape field merges, as protobuf does
          }
          readShape(shapeEnd, type.shape);
        }
        default -> in.skip(tag, end);
      }
    }
  }

  private void readShape(long end, List<Long> dims) throws InvalidModelException, IOException {
    while (in.position() < end) {
      int tag = in.readTag(end);
      if (fieldNumber(tag) == 1) {
        long dimEnd = in.readLengthDelimited(tag, end, "TensorShapeProto.dim");
        ReadLimits.checkCount(dims.size(), "dimensions in one shape");
        limits.retain(16);
        dims.add(readDimension(dimEnd));
      } else {
        in.skip(tag, end);
      }
    }
  }

  /** A fixed size, or -1 for a symbolic (dim_param) or missing one. */
  private long readDimension(long end) throws InvalidModelException, IOException {
    long value = -1;
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> value = Math.max(-1, in.readVarintField(tag, end, "TensorShapeProto.Dimension.dim_value"));
        case 2 -> {
          in.seek(in.readLengthDelimited(tag, end, "TensorShapeProto.Dimension.dim_param"));
          value = -1;
        }
        default -> in.skip(tag, end);
      }
    }
    return value;
  }

  private static final class DeclaredType {
    String kind;
    long elemType;
    List<Long> shape;
  }
}
