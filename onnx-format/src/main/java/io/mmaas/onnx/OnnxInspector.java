package io.mmaas.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether an uploaded file is a model the platform can serve and extracts what the control plane stores
 * about it, before any runtime sees it. It streams the file with one small buffer and seeks over weights, so a
 * multi-gigabyte model costs a few hundred kilobytes of heap, and a hostile file fails with a clear
 * {@link InvalidModelException} rather than another exception, a hang or an out-of-memory error.
 */
public final class OnnxInspector {
  /** The IR versions ONNX Runtime 1.23 loads. */
  public static final long MIN_IR_VERSION = 3;
  public static final long MAX_IR_VERSION = 11;
  /** The newest ai.onnx operator set ONNX Runtime 1.23 implements. */
  public static final long MAX_AI_ONNX_OPSET = 23;

  private OnnxInspector() {}

  /**
   * Streams the file with bounded memory (never reads the whole file or a whole initializer into the heap; skips
   * large fields by seeking), validates it and extracts the signature.
   */
  public static ModelSignature inspect(Path file) throws InvalidModelException, IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return inspect(ProtoReader.of(channel));
    }
  }

  /** Same, for bytes already in memory (small models, tests). */
  public static ModelSignature inspect(byte[] model) throws InvalidModelException {
    try {
      return inspect(ProtoReader.of(model));
    } catch (IOException e) {
      throw new UncheckedIOException("reading from a byte array cannot fail", e);
    }
  }

  private static ModelSignature inspect(ProtoReader in) throws InvalidModelException, IOException {
    if (in.size() == 0) {
      throw new InvalidModelException("Not an ONNX model: the file is empty.");
    }
    ModelScanner scanner = new ModelScanner(in);
    ModelScanner.Header header = scanner.readModel();
    checkHeader(header);
    ModelScanner.GraphIo io = scanner.readGraphIo(header);
    Set<String> inputNames = new HashSet<>();
    io.inputs().forEach(input -> inputNames.add(input.name()));
    Set<String> initializers = scanner.scanGraphData(header, inputNames);

    List<TensorInfo> inputs = new ArrayList<>();
    for (ValueInfoReader.Declared input : io.inputs()) {
      if (!initializers.contains(input.name())) {
        inputs.add(toTensorInfo(input, "input"));
      }
    }
    List<TensorInfo> outputs = new ArrayList<>();
    for (ValueInfoReader.Declared output : io.outputs()) {
      outputs.add(toTensorInfo(output, "output"));
    }
    if (inputs.isEmpty()) {
      throw new InvalidModelException("The model's graph has no inputs (other than its weights); "
          + "the platform serves models that take at least one input.");
    }
    if (outputs.isEmpty()) {
      throw new InvalidModelException("The model's graph has no outputs.");
    }
    return new ModelSignature(header.irVersion(), header.opsets(), header.producerName(), inputs, outputs,
        scanner.externalDataLocations(), scanner.opTypes());
  }

  private static void checkHeader(ModelScanner.Header header) throws InvalidModelException {
    if (header.graphStart() < 0) {
      throw new InvalidModelException("Not an ONNX model: it has no graph.");
    }
    if (header.irVersion() == null) {
      throw new InvalidModelException("Not an ONNX model: its IR version (ir_version) is missing.");
    }
    long ir = header.irVersion();
    if (ir < MIN_IR_VERSION || ir > MAX_IR_VERSION) {
      throw new InvalidModelException("Unsupported ONNX IR version " + ir + ": the platform loads IR versions "
          + MIN_IR_VERSION + " to " + MAX_IR_VERSION + ".");
    }
    boolean importsAiOnnx = false;
    for (OpsetImport opset : header.opsets()) {
      if (opset.domain().isEmpty() || opset.domain().equals("ai.onnx")) {
        importsAiOnnx = true;
        if (opset.version() < 1 || opset.version() > MAX_AI_ONNX_OPSET) {
          throw new InvalidModelException("Unsupported ai.onnx operator set version " + opset.version()
              + ": the platform supports versions 1 to " + MAX_AI_ONNX_OPSET + ".");
        }
      }
    }
    if (!importsAiOnnx) {
      throw new InvalidModelException(
          "The model does not import the standard ONNX operator set (ai.onnx); every ONNX model must.");
    }
  }

  private static TensorInfo toTensorInfo(ValueInfoReader.Declared value, String role) throws InvalidModelException {
    if (value.name().isEmpty()) {
      throw new InvalidModelException("A graph " + role + " has no name.");
    }
    String what = "The graph " + role + " '" + ExternalDataScanner.printable(value.name()) + "'";
    if (value.typeKind() == null) {
      throw new InvalidModelException(what + " has no type.");
    }
    if (!value.typeKind().equals("tensor")) {
      throw new InvalidModelException(what + " is a " + value.typeKind()
          + ", not a tensor; the platform serves only tensor inputs and outputs.");
    }
    if (value.elemType() == 0) {
      throw new InvalidModelException(what + " has no element type.");
    }
    String datatype = ElementTypes.toOip(value.elemType());
    if (datatype == null) {
      throw new InvalidModelException(what + " has " + ElementTypes.describe(value.elemType())
          + ", which the platform cannot serve.");
    }
    if (value.shape() == null) {
      throw new InvalidModelException(what + " has no shape (its rank is unknown); "
          + "the platform needs the rank of every input and output.");
    }
    return new TensorInfo(value.name(), datatype, value.shape());
  }
}
