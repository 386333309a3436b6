package io.mmaas.onnx;

import static io.mmaas.onnx.ModelWriter.node;
import static io.mmaas.onnx.ModelWriter.tensorValue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Valid models that hurt the process running them when given the wrong input: what the model-host isolation tests
 * use to show that one tenant's model or input harms only its own host.
 */
public final class HostileModels {
  private static final long IR_VERSION = 8;
  private static final long OPSET = 13;
  private static final int FLOAT = 1;
  private static final int INT32 = 6;
  private static final int INT64 = 7;
  private static final int ATTRIBUTE_TENSOR = 4;

  private HostileModels() {}

  /**
   * {@code z = x / (1 - y)} on INT32 vectors: a valid model that loads, warms up on zeros and answers, until a request
   * has {@code y = 1}; then ONNX Runtime divides an integer by zero and the CPU raises SIGFPE, which kills the process.
   * Inputs "x" and "y" INT32 [n], output "z" INT32 [n].
   */
  public static byte[] integerDivision() {
    ProtoWriter one = new ProtoWriter().varint(1, 1).varint(2, INT32).string(8, "one")
        .bytes(9, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1).array());
    ModelWriter.Graph graph = new ModelWriter.Graph("integer_division")
        .node(node("Sub", List.of("one", "y"), List.of("d")))
        .node(node("Div", List.of("x", "d"), List.of("z")))
        .initializer(one)
        .input(tensorValue("x", INT32, -1))
        .input(tensorValue("y", INT32, -1))
        .output(tensorValue("z", INT32, -1));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /**
   * {@code z = x / y} on INT32 vectors: crashes (SIGFPE) on any zero divisor, including the all-zeros input of a
   * synthetic warm-up. Inputs "x" and "y" INT32 [n], output "z" INT32 [n].
   */
  public static byte[] plainIntegerDivision() {
    ModelWriter.Graph graph = new ModelWriter.Graph("plain_integer_division")
        .node(node("Div", List.of("x", "y"), List.of("z")))
        .input(tensorValue("x", INT32, -1))
        .input(tensorValue("y", INT32, -1))
        .output(tensorValue("z", INT32, -1));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }

  /**
   * {@code total = ReduceSum(ConstantOfShape(n, 1.0))}: allocates and fills a float tensor of {@code n} elements (4n
   * bytes) for each request, so an input such as {@code n = 2^30} asks for 4 GiB at once. Input "n" INT64 [1], output
   * "total" FP32 [1].
   */
  public static byte[] allocationBomb() {
    ProtoWriter value = new ProtoWriter().varint(1, 1).varint(2, FLOAT).string(8, "value")
        .bytes(9, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).array());
    ProtoWriter fill = node("ConstantOfShape", List.of("n"), List.of("filled"))
        .message(5, new ProtoWriter().string(1, "value").message(5, value).varint(20, ATTRIBUTE_TENSOR));
    ModelWriter.Graph graph = new ModelWriter.Graph("allocation_bomb")
        .node(fill)
        .node(node("ReduceSum", List.of("filled"), List.of("total")))
        .input(tensorValue("n", INT64, 1))
        .output(tensorValue("total", FLOAT, 1));
    return ModelWriter.model(IR_VERSION, OPSET, graph.toProto()).toByteArray();
  }
}
