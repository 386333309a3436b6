package io.mmaas.onnx;

import static io.mmaas.onnx.ProtoReader.fieldNumber;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One test case of ONNX's backend test data (a folder holding {@code model.onnx} and
 * {@code test_data_set_0/input_N.pb}, {@code output_N.pb}), as Debian's {@code libonnx-testdata} ships it under
 * {@code /usr/share/libonnx-testdata/data/node}: the model's declared inputs and outputs, the operator types of its
 * graph, and the first data set's tensors. A case whose inputs or outputs are not plain tensors (sequences, maps,
 * optionals) or whose data this reader cannot decode carries a {@link #skipReason} instead of data.
 *
 * @param inputs the graph inputs that are not initializers, in the model's order
 * @param opTypes the operator types of the main graph's nodes
 * @param inputData one tensor per input file, named after the graph input it feeds; empty when skipped
 * @param expected one tensor per output file, named after the graph output; empty when skipped
 * @param skipReason why the case cannot be run as plain tensors, or null
 */
public record OnnxTestCase(String name, Path model, List<Value> inputs, List<Value> outputs, Set<String> opTypes,
                           List<TensorProto> inputData, List<TensorProto> expected, String skipReason) {

  /** A declared graph input or output: {@code kind} is "tensor", "sequence", "map", "optional", … */
  public record Value(String name, String kind, long elemType) {}

  /** Where Debian's libonnx-testdata puts ONNX's backend node tests. */
  public static final Path DEBIAN_NODE_TESTS = Path.of("/usr/share/libonnx-testdata/data/node");

  /** The case folders under {@code root} (each holding a model.onnx), sorted by name. */
  public static List<Path> list(Path root) throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).sorted().toList();
    }
  }

  /** Reads one case folder. A model this reader cannot parse at all fails with the reason. */
  public static OnnxTestCase load(Path dir) throws IOException, InvalidModelException {
    Path model = dir.resolve("model.onnx");
    ProtoReader in = ProtoReader.of(Files.readAllBytes(model));
    ModelScanner scanner = new ModelScanner(in);
    ModelScanner.Header header = scanner.readModel();
    ModelScanner.GraphIo io = scanner.readGraphIo(header);
    Set<String> names = new HashSet<>();
    io.inputs().forEach(i -> names.add(i.name()));
    Set<String> initializers = scanner.scanGraphData(header, names);
    List<Value> inputs = io.inputs().stream().filter(i -> !initializers.contains(i.name())).map(OnnxTestCase::value)
        .toList();
    List<Value> outputs = io.outputs().stream().map(OnnxTestCase::value).toList();
    Set<String> ops = opTypes(in, header);
    String name = dir.getFileName().toString();

    String skip = nonTensor(inputs, "input");
    if (skip == null) {
      skip = nonTensor(outputs, "output");
    }
    if (skip != null) {
      return new OnnxTestCase(name, model, inputs, outputs, ops, List.of(), List.of(), skip);
    }
    Path data = dir.resolve("test_data_set_0");
    try {
      List<TensorProto> in0 = tensors(data, "input", inputs);
      List<TensorProto> out0 = tensors(data, "output", outputs);
      return new OnnxTestCase(name, model, inputs, outputs, ops, in0, out0, null);
    } catch (InvalidModelException e) {
      return new OnnxTestCase(name, model, inputs, outputs, ops, List.of(), List.of(),
          "test data not decodable as tensors: " + e.getMessage());
    }
  }

  private static Value value(ValueInfoReader.Declared d) {
    return new Value(d.name(), d.typeKind() == null ? "untyped" : d.typeKind(), d.elemType());
  }

  private static String nonTensor(List<Value> values, String role) {
    for (Value v : values) {
      if (!"tensor".equals(v.kind())) {
        return role + " '" + v.name() + "' is a " + v.kind() + ", not a tensor";
      }
    }
    return null;
  }

  /** {@code role_0.pb}, {@code role_1.pb}, … named after the declared value at the same position. */
  private static List<TensorProto> tensors(Path data, String role, List<Value> declared)
      throws IOException, InvalidModelException {
    List<TensorProto> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      Path file = data.resolve(role + "_" + i + ".pb");
      if (!Files.isRegularFile(file)) {
        return out;
      }
      TensorProto t = TensorProtoReader.read(Files.readAllBytes(file));
      if (i >= declared.size()) {
        throw new InvalidModelException(file.getFileName() + " has no matching graph " + role);
      }
      Value value = declared.get(i);
      // numpy has no bfloat16: ONNX stores BFLOAT16 test tensors as UINT16 holding the same bit patterns
      int type = value.elemType() == 16 && t.elemType() == 4 ? 16 : t.elemType();
      out.add(new TensorProto(value.name(), type, t.dims(), t.data(), t.strings()));
    }
  }

  /** GraphProto.node (1) → NodeProto.op_type (4). */
  private static Set<String> opTypes(ProtoReader in, ModelScanner.Header header)
      throws InvalidModelException, IOException {
    Set<String> ops = new LinkedHashSet<>();
    long end = header.graphEnd();
    in.seek(header.graphStart());
    while (in.position() < end) {
      int tag = in.readTag(end);
      if (fieldNumber(tag) != 1) {
        in.skip(tag, end);
        continue;
      }
      long nodeEnd = in.readLengthDelimited(tag, end, "GraphProto.node");
      while (in.position() < nodeEnd) {
        int nodeTag = in.readTag(nodeEnd);
        if (fieldNumber(nodeTag) == 4) {
          ops.add(in.readString(nodeTag, nodeEnd, "op_type", ReadLimits.MAX_STRING_BYTES));
        } else {
          in.skip(nodeTag, nodeEnd);
        }
      }
    }
    return ops;
  }
}
