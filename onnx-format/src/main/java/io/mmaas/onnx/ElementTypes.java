package io.mmaas.onnx;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one list of tensor element types the platform serves, shared by the upload check (a model with an input or
 * output of any other type is refused, naming the tensor) and the agent (whose {@code DataType} must name exactly
 * these): ONNX element types mapped to the Open Inference Protocol datatype names clients use. It also names the
 * ONNX types the platform cannot serve so a rejection can say which one it met.
 */
public final class ElementTypes {
  private static final Map<Integer, String> ONNX_TO_OIP = Map.ofEntries(
      Map.entry(1, "FP32"),
      Map.entry(2, "UINT8"),
      Map.entry(3, "INT8"),
      Map.entry(4, "UINT16"),
      Map.entry(5, "INT16"),
      Map.entry(6, "INT32"),
      Map.entry(7, "INT64"),
      Map.entry(8, "BYTES"),
      Map.entry(9, "BOOL"),
      Map.entry(10, "FP16"),
      Map.entry(11, "FP64"),
      Map.entry(12, "UINT32"),
      Map.entry(13, "UINT64"),
      Map.entry(16, "BF16"));

  private static final Map<Integer, String> UNSERVED = Map.of(
      14, "COMPLEX64",
      15, "COMPLEX128",
      17, "FLOAT8E4M3FN",
      18, "FLOAT8E4M3FNUZ",
      19, "FLOAT8E5M2",
      20, "FLOAT8E5M2FNUZ",
      21, "UINT4",
      22, "INT4",
      23, "FLOAT4E2M1");

  private ElementTypes() {}

  /** The OIP datatype names of every element type the platform serves. */
  public static Set<String> servedOipTypes() {
    return java.util.Collections.unmodifiableSet(new TreeSet<>(ONNX_TO_OIP.values()));
  }

  /** The OIP datatype for an ONNX element type, or null when the platform cannot serve it. */
  public static String toOip(long onnxType) {
    return onnxType < 0 || onnxType > Integer.MAX_VALUE ? null : ONNX_TO_OIP.get((int) onnxType);
  }

  /** The ONNX element type for an OIP datatype name. */
  public static int fromOip(String datatype) {
    for (Map.Entry<Integer, String> e : ONNX_TO_OIP.entrySet()) {
      if (e.getValue().equals(datatype)) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException("unknown Open Inference Protocol datatype: " + datatype);
  }

  /** A readable name for an element type, for messages. */
  static String describe(long onnxType) {
    String name = onnxType >= 0 && onnxType <= Integer.MAX_VALUE ? UNSERVED.get((int) onnxType) : null;
    return name != null ? name + " (" + onnxType + ")" : "element type " + onnxType;
  }
}
