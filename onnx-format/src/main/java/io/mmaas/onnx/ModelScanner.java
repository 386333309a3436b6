package io.mmaas.onnx;

import static io.mmaas.onnx.ProtoReader.fieldNumber;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks a ModelProto in the few passes signature extraction needs, each one seeking over what it does not use:
 * first the model's own fields (the graph is only located), then the main graph's inputs and outputs, then its
 * initializers, nodes and subgraphs for external data and initializer names. Rules about what is acceptable live
 * in {@link OnnxInspector}; this class only rejects what is not well-formed.
 */
final class ModelScanner {
  /** The ModelProto's own fields; graphStart is -1 when the model has no graph. */
  record Header(Long irVersion, List<OpsetImport> opsets, String producerName, long graphStart, long graphEnd) {}

  /** The main graph's declared inputs and outputs. */
  record GraphIo(List<ValueInfoReader.Declared> inputs, List<ValueInfoReader.Declared> outputs) {}

  private static final int MODEL_DEPTH = 1;
  private static final int GRAPH_DEPTH = 2;

  private final ProtoReader in;
  private final ReadLimits limits = new ReadLimits();
  private final ExternalDataScanner externalData;
  private final ValueInfoReader valueInfos;

  ModelScanner(ProtoReader in) {
    this.in = in;
    this.externalData = new ExternalDataScanner(in, limits);
    this.valueInfos = new ValueInfoReader(in, limits);
  }

  /** Reads the model's fields; also scans functions and training graphs for external data. */
  Header readModel() throws InvalidModelException, IOException {
    long end = in.size();
    in.seek(0);
    Long irVersion = null;
    List<OpsetImport> opsets = new ArrayList<>();
    String producerName = "";
    long graphStart = -1;
    long graphEnd = -1;
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> irVersion = in.readVarintField(tag, end, "ModelProto.ir_version");
        case 2 -> producerName = retained(in.readString(tag, end, "producer name", ReadLimits.MAX_STRING_BYTES));
        case 7 -> {
          if (graphStart >= 0) {
            throw ProtoReader.malformed(in.position(), "the model has more than one graph");
          }
          graphEnd = in.readLengthDelimited(tag, end, "ModelProto.graph");
          graphStart = in.position();
          in.seek(graphEnd);
        }
        case 8 -> {
          ReadLimits.checkCount(opsets.size(), "opset imports");
          opsets.add(readOpset(in.readLengthDelimited(tag, end, "ModelProto.opset_import")));
        }
        case 20 -> externalData.scanTrainingInfo(
            in.readLengthDelimited(tag, end, "ModelProto.training_info"), MODEL_DEPTH + 1);
        case 25 -> externalData.scanFunction(in.readLengthDelimited(tag, end, "ModelProto.functions"), MODEL_DEPTH + 1);
        default -> in.skip(tag, end);
      }
    }
    return new Header(irVersion, opsets, producerName, graphStart, graphEnd);
  }

  /** Reads the main graph's inputs and outputs, skipping everything else in it. */
  GraphIo readGraphIo(Header header) throws InvalidModelException, IOException {
    long end = header.graphEnd();
    in.seek(header.graphStart());
    List<ValueInfoReader.Declared> inputs = new ArrayList<>();
    List<ValueInfoReader.Declared> outputs = new ArrayList<>();
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 11 -> {
          ReadLimits.checkCount(inputs.size(), "graph inputs");
          inputs.add(valueInfos.read(in.readLengthDelimited(tag, end, "GraphProto.input")));
        }
        case 12 -> {
          ReadLimits.checkCount(outputs.size(), "graph outputs");
          outputs.add(valueInfos.read(in.readLengthDelimited(tag, end, "GraphProto.output")));
        }
        default -> in.skip(tag, end);
      }
    }
    return new GraphIo(inputs, outputs);
  }

  /**
   * Scans the main graph for external data and returns which of {@code inputNames} are also initializers (older
   * exporters list every weight as a graph input; runtimes do not expose those as inputs).
   */
  Set<String> scanGraphData(Header header, Set<String> inputNames) throws InvalidModelException, IOException {
    Set<String> initializerInputs = new HashSet<>();
    in.seek(header.graphStart());
    externalData.scanGraph(header.graphEnd(), GRAPH_DEPTH, name -> {
      if (inputNames.contains(name)) {
        initializerInputs.add(name);
      }
    });
    return initializerInputs;
  }

  List<String> externalDataLocations() {
    return externalData.locations();
  }

  Set<String> opTypes() {
    return externalData.opTypes();
  }

  private OpsetImport readOpset(long end) throws InvalidModelException, IOException {
    String domain = "";
    long version = 0;
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> domain = retained(in.readString(tag, end, "opset domain", ReadLimits.MAX_STRING_BYTES));
        case 2 -> version = in.readVarintField(tag, end, "OperatorSetIdProto.version");
        default -> in.skip(tag, end);
      }
    }
    return new OpsetImport(domain, version);
  }

  private String retained(String s) throws InvalidModelException {
    limits.retain(s.length() * 2L + 64);
    return s;
  }
}
