package io.mmaas.onnx;

import static io.mmaas.onnx.ModelWriter.FLOAT;
import static io.mmaas.onnx.ModelWriter.node;
import static io.mmaas.onnx.ModelWriter.tensorValue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Hand-built models for the cases the public factories do not produce: odd, hostile or very large ones. */
final class TestModels {
  static final int ATTRIBUTE_TENSOR = 4;
  static final int ATTRIBUTE_GRAPH = 5;

  private TestModels() {}

  static byte[] model(long irVersion, ProtoWriter graph, ProtoWriter... opsets) {
    ProtoWriter model = new ProtoWriter().varint(1, irVersion).string(2, "test").message(7, graph);
    for (ProtoWriter opset : opsets) {
      model.message(8, opset);
    }
    return model.toByteArray();
  }

  /** A model at IR 8, ai.onnx opset 13. */
  static byte[] model(ProtoWriter graph) {
    return model(8, graph, opset("", 13));
  }

  static ProtoWriter opset(String domain, long version) {
    return new ProtoWriter().string(1, domain).varint(2, version);
  }

  /** x FP32 [1] → Identity → y, with extra nodes and initializers when given. */
  static ModelWriter.Graph identityGraph() {
    return new ModelWriter.Graph("g")
        .node(node("Identity", List.of("x"), List.of("y")))
        .input(tensorValue("x", FLOAT, 1))
        .output(tensorValue("y", FLOAT, 1));
  }

  static ProtoWriter valueInfo(String name, ProtoWriter type) {
    return new ProtoWriter().string(1, name).message(2, type);
  }

  /** A FLOAT [1] tensor whose data lives in an external file. */
  static ProtoWriter externalTensor(String name, String location) {
    return new ProtoWriter()
        .varint(1, 1)
        .varint(2, FLOAT)
        .string(8, name)
        .message(13, new ProtoWriter().string(1, "location").string(2, location))
        .varint(14, 1);
  }

  /** A node carrying one attribute whose value is the message {@code value} in AttributeProto field {@code field}. */
  static ProtoWriter nodeWithAttribute(String opType, int field, ProtoWriter value, int attributeType) {
    ProtoWriter attribute = new ProtoWriter().string(1, "value").message(field, value).varint(20, attributeType);
    return new ProtoWriter().string(2, "c").string(4, opType).message(5, attribute);
  }

  /** A graph whose If node nests {@code depth} levels of then-branch subgraphs. */
  static ProtoWriter nestedGraph(int depth) {
    ModelWriter.Graph graph = identityGraph();
    if (depth > 0) {
      graph.node(nodeWithAttribute("If", 6, nestedGraph(depth - 1), ATTRIBUTE_GRAPH));
    }
    return graph.toProto();
  }

  /**
   * Writes input FP32 [-1, in] → MatMul(w1 [in, hidden]) → output FP32 [-1, hidden] with w1 in raw_data, without
   * holding w1 anywhere: the envelope is computed from the data length and the data itself is a hole in a sparse
   * file, which reads as zeros. The weights come before the graph inputs, as in exported models.
   */
  static void writeMatMulModel(Path file, int in, int hidden) throws IOException {
    long dataBytes = 4L * in * hidden;
    ProtoWriter tensorHead = new ProtoWriter().varint(1, in).varint(1, hidden).varint(2, FLOAT).string(8, "w1")
        .lengthHeader(9, dataBytes);
    ProtoWriter graphHead = new ProtoWriter()
        .message(1, node("MatMul", List.of("input", "w1"), List.of("output")))
        .string(2, "big")
        .lengthHeader(5, tensorHead.size() + dataBytes)
        .raw(tensorHead.toByteArray());
    ProtoWriter graphTail = new ProtoWriter()
        .message(11, tensorValue("input", FLOAT, -1, in))
        .message(12, tensorValue("output", FLOAT, -1, hidden));
    ProtoWriter head = new ProtoWriter().varint(1, 8).string(2, "test")
        .lengthHeader(7, graphHead.size() + dataBytes + graphTail.size())
        .raw(graphHead.toByteArray());
    ProtoWriter tail = new ProtoWriter().raw(graphTail.toByteArray()).message(8, opset("", 13));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      writeFully(channel, head.toByteArray(), 0);
      writeFully(channel, tail.toByteArray(), head.size() + dataBytes);
    }
  }

  private static void writeFully(FileChannel channel, byte[] bytes, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer, position + buffer.position());
    }
  }
}
