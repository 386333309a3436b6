package io.mmaas.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * ONNX messages for the small models this module writes, in the field order protobuf serializers use, so written
 * files look like exported ones (weights before the graph inputs, opsets after the graph). Tests use it to build
 * the unusual models the public factories do not offer.
 */
final class ModelWriter {
  static final String PRODUCER = "mmaas-onnx-format";
  static final int FLOAT = 1;

  private ModelWriter() {}

  /** A ModelProto importing one ai.onnx opset. */
  static ProtoWriter model(long irVersion, long opset, ProtoWriter graph) {
    return new ProtoWriter()
        .varint(1, irVersion)
        .string(2, PRODUCER)
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").varint(2, opset));
  }

  /** A NodeProto of the standard domain. */
  static ProtoWriter node(String opType, List<String> inputs, List<String> outputs) {
    ProtoWriter node = new ProtoWriter();
    inputs.forEach(input -> node.string(1, input));
    outputs.forEach(output -> node.string(2, output));
    return node.string(3, opType + "_" + outputs.get(0)).string(4, opType);
  }

  /** A NodeProto of the standard domain with one integer attribute (AttributeProto type INT). */
  static ProtoWriter node(String opType, List<String> inputs, List<String> outputs, String attribute, long value) {
    ProtoWriter node = new ProtoWriter();
    inputs.forEach(input -> node.string(1, input));
    outputs.forEach(output -> node.string(2, output));
    node.string(3, opType + "_" + outputs.get(0)).string(4, opType);
    return node.message(5, new ProtoWriter().string(1, attribute).varint(3, value).varint(20, 2));
  }

  /** A tensor ValueInfoProto; -1 dimensions become symbolic ("batch" for the first, "dimN" for others). */
  static ProtoWriter tensorValue(String name, int elemType, long... shape) {
    ProtoWriter dims = new ProtoWriter();
    for (int i = 0; i < shape.length; i++) {
      ProtoWriter dim = shape[i] >= 0 ? new ProtoWriter().varint(1, shape[i])
          : new ProtoWriter().string(2, i == 0 ? "batch" : "dim" + i);
      dims.message(1, dim);
    }
    ProtoWriter tensorType = new ProtoWriter().varint(1, elemType).message(2, dims);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }

  /** A FLOAT TensorProto with its values in float_data. */
  static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
    ProtoWriter tensor = new ProtoWriter();
    for (long dim : dims) {
      tensor.varint(1, dim);
    }
    return tensor.varint(2, FLOAT).packedFloats(4, values).string(8, name);
  }

  /** Collects a GraphProto's parts and writes them in field-number order. */
  static final class Graph {
    private final String name;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();

    Graph(String name) {
      this.name = name;
    }

    Graph node(ProtoWriter node) {
      nodes.add(node);
      return this;
    }

    Graph initializer(ProtoWriter tensor) {
      initializers.add(tensor);
      return this;
    }

    Graph input(ProtoWriter valueInfo) {
      inputs.add(valueInfo);
      return this;
    }

    Graph output(ProtoWriter valueInfo) {
      outputs.add(valueInfo);
      return this;
    }

    ProtoWriter toProto() {
      ProtoWriter graph = new ProtoWriter();
      nodes.forEach(node -> graph.message(1, node));
      graph.string(2, name);
      initializers.forEach(tensor -> graph.message(5, tensor));
      inputs.forEach(input -> graph.message(11, input));
      outputs.forEach(output -> graph.message(12, output));
      return graph;
    }
  }
}
