package io.mmaas.onnx;

import static io.mmaas.onnx.ModelWriter.FLOAT;
import static io.mmaas.onnx.ModelWriter.floatTensor;
import static io.mmaas.onnx.ModelWriter.node;
import static io.mmaas.onnx.ModelWriter.tensorValue;

import java.util.List;
import java.util.Random;

/**
 * Writes small, real ONNX models, so tests, benchmarks and the demo can exercise the whole path (upload, inspect,
 * load in ONNX Runtime, infer) without checked-in binaries or a Python toolchain.
 */
public final class OnnxModels {
  private static final long IR_VERSION = 8;
  private static final long OPSET = 13;

  private OnnxModels() {}

  /**
   * 2-layer MLP: input "input" FP32 [-1, in] → MatMul(w1 [in,hidden]) → Add(b1) → Relu → MatMul(w2 [hidden,out])
   * → Add(b2) → output "output" FP32 [-1, out]. opset 13, IR 8.
   */
  public static byte[] mlp(float[][] w1, float[] b1, float[][] w2, float[] b2) {
    int in = w1.length;
    int hidden = b1.length;
    int out = b2.length;
    requireMatrix(w1, in, hidden, "w1");
    requireMatrix(w2, hidden, out, "w2");
    ModelWriter.Graph graph = new ModelWriter.Graph("mlp")
        .node(node("MatMul", List.of("input", "w1"), List.of("h1")))
        .node(node("Add", List.of("h1", "b1"), List.of("h1_biased")))
        .node(node("Relu", List.of("h1_biased"), List.of("h1_relu")))
        .node(node("MatMul", List.of("h1_relu", "w2"), List.of("h2")))
        .node(node("Add", List.of("h2", "b2"), List.of("output")))
        .initializer(floatTensor("w1", new long[] {in, hidden}, flatten(w1)))
        .initializer(floatTensor("b1", new long[] {hidden}, b1))
        .initializer(floatTensor("w2", new long[] {hidden, out}, flatten(w2)))
        .initializer(floatTensor("b2", new long[] {out}, b2))
        .input(tensorValue("input", FLOAT, -1, in))
        .output(tensorValue("output", FLOAT, -1, out));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /**
   * A deep model for tests of long runs: input "input" FP32 [-1, width] → {@code depth} × (MatMul(w) → Relu) →
   * output "output" FP32 [-1, width], every layer sharing one [width, width] weight (so the file stays small). Its
   * run time grows with depth × rows × width², and ONNX Runtime can stop it between any two of its nodes.
   */
  public static byte[] chain(int width, int depth, long seed) {
    if (width < 1 || depth < 1) {
      throw new IllegalArgumentException("width and depth must be positive: " + width + ", " + depth);
    }
    Random random = new Random(seed);
    // scaled so activations neither vanish nor blow up over many layers
    float[] w = new float[width * width];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * Math.sqrt(2.0 / width));
    }
    ModelWriter.Graph graph = new ModelWriter.Graph("chain");
    String previous = "input";
    for (int layer = 0; layer < depth; layer++) {
      String product = "m" + layer;
      String activated = layer == depth - 1 ? "output" : "r" + layer;
      graph.node(node("MatMul", List.of(previous, "w"), List.of(product)))
          .node(node("Relu", List.of(product), List.of(activated)));
      previous = activated;
    }
    graph.initializer(floatTensor("w", new long[] {width, width}, w))
        .input(tensorValue("input", FLOAT, -1, width))
        .output(tensorValue("output", FLOAT, -1, width));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /** Deterministic MLP with in→hidden→out sizes and weights from a seeded generator; same seed, same bytes. */
  public static byte[] mlp(int in, int hidden, int out, long seed) {
    Mlp weights = mlpWeights(in, hidden, out, seed);
    return mlp(weights.w1(), weights.b1(), weights.w2(), weights.b2());
  }

  /** The weights {@link #mlp(int, int, int, long)} uses, so tests can compute the expected output themselves. */
  public static Mlp mlpWeights(int in, int hidden, int out, long seed) {
    if (in < 1 || hidden < 1 || out < 1) {
      throw new IllegalArgumentException("layer sizes must be positive: " + in + ", " + hidden + ", " + out);
    }
    Random random = new Random(seed); // java.util.Random's sequence is specified, so bytes are stable across JDKs
    float[][] w1 = randomMatrix(random, in, hidden);
    float[] b1 = randomVector(random, hidden, 0.1f);
    float[][] w2 = randomMatrix(random, hidden, out);
    float[] b2 = randomVector(random, out, 0.1f);
    return new Mlp(w1, b1, w2, b2);
  }

  /**
   * Identity model: input "x" → Identity → output "y", with the given OIP datatype and shape (-1 for dynamic
   * dimensions), so tests can exercise every datatype.
   */
  public static byte[] identity(String datatype, long... shape) {
    int elemType = ElementTypes.fromOip(datatype);
    ModelWriter.Graph graph = new ModelWriter.Graph("identity")
        .node(node("Identity", List.of("x"), List.of("y")))
        .input(tensorValue("x", elemType, shape))
        .output(tensorValue("y", elemType, shape));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /**
   * Identity model over a raw ONNX element type number (TensorProto.DataType), which may be one the platform cannot
   * serve (COMPLEX64 is 14, FLOAT8E4M3FN 17), for validation tests: input "x" → Identity → output "y".
   */
  public static byte[] identityOfElementType(int onnxElementType, long... shape) {
    ModelWriter.Graph graph = new ModelWriter.Graph("identity")
        .node(node("Identity", List.of("x"), List.of("y")))
        .input(tensorValue("x", onnxElementType, shape))
        .output(tensorValue("y", onnxElementType, shape));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /** Logical not: BOOL input "x" → Not → BOOL output "y", so tests see ONNX Runtime compute on booleans. */
  public static byte[] not(long... shape) {
    ModelWriter.Graph graph = new ModelWriter.Graph("not")
        .node(node("Not", List.of("x"), List.of("y")))
        .input(tensorValue("x", ElementTypes.fromOip("BOOL"), shape))
        .output(tensorValue("y", ElementTypes.fromOip("BOOL"), shape));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /**
   * Cast model: input "x" of OIP datatype {@code from} → Cast(to) → output "y" of datatype {@code to}, so tests see
   * ONNX Runtime interpret the values of a type rather than pass its bytes through.
   */
  public static byte[] cast(String from, String to, long... shape) {
    int target = ElementTypes.fromOip(to);
    ModelWriter.Graph graph = new ModelWriter.Graph("cast")
        .node(node("Cast", List.of("x"), List.of("y"), "to", target))
        .input(tensorValue("x", ElementTypes.fromOip(from), shape))
        .output(tensorValue("y", target, shape));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /**
   * A model computing y = x + w for FP32 x of shape [1], whose single initializer w (one float, 4 bytes at offset 0)
   * is stored as external data at {@code location}, which is written as given (it may be unsafe), for validation
   * tests.
   */
  public static byte[] withExternalData(String location) {
    ProtoWriter weight = new ProtoWriter()
        .varint(1, 1)
        .varint(2, FLOAT)
        .string(8, "w")
        .message(13, new ProtoWriter().string(1, "location").string(2, location))
        .message(13, new ProtoWriter().string(1, "offset").string(2, "0"))
        .message(13, new ProtoWriter().string(1, "length").string(2, "4"))
        .varint(14, 1);
    ModelWriter.Graph graph = new ModelWriter.Graph("external_data")
        .node(node("Add", List.of("x", "w"), List.of("y")))
        .initializer(weight)
        .input(tensorValue("x", FLOAT, 1))
        .output(tensorValue("y", FLOAT, 1));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /** The weights of an {@link #mlp} model, with the reference computation tests compare a runtime against. */
  public record Mlp(float[][] w1, float[] b1, float[][] w2, float[] b2) {
    /** One row through the network in plain Java: relu(x·w1 + b1)·w2 + b2, rounding to float after each layer. */
    public float[] forward(float[] x) {
      if (x.length != w1.length) {
        throw new IllegalArgumentException("expected " + w1.length + " inputs, got " + x.length);
      }
      float[] hidden = layer(x, w1, b1);
      for (int j = 0; j < hidden.length; j++) {
        hidden[j] = Math.max(0f, hidden[j]);
      }
      return layer(hidden, w2, b2);
    }

    private static float[] layer(float[] x, float[][] w, float[] b) {
      float[] y = new float[b.length];
      for (int j = 0; j < b.length; j++) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
          sum += (double) x[i] * w[i][j];
        }
        y[j] = (float) ((float) sum + b[j]);
      }
      return y;
    }
  }

  private static float[][] randomMatrix(Random random, int rows, int cols) {
    float scale = (float) (1 / Math.sqrt(rows));
    float[][] m = new float[rows][];
    for (int i = 0; i < rows; i++) {
      m[i] = randomVector(random, cols, scale);
    }
    return m;
  }

  private static float[] randomVector(Random random, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (random.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }

  private static void requireMatrix(float[][] m, int rows, int cols, String name) {
    if (rows == 0 || cols == 0 || m.length != rows) {
      throw new IllegalArgumentException(name + " must have " + rows + " rows, has " + m.length);
    }
    for (float[] row : m) {
      if (row.length != cols) {
        throw new IllegalArgumentException(name + " rows must have " + cols + " columns, one has " + row.length);
      }
    }
  }

  private static float[] flatten(float[][] m) {
    float[] flat = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, flat, i * m[i].length, m[i].length);
    }
    return flat;
  }
}
