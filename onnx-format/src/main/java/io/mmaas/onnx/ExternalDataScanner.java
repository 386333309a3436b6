package io.mmaas.onnx;

import static io.mmaas.onnx.ProtoReader.fieldNumber;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds every tensor stored as external data, wherever ONNX allows one (graph initializers, sparse initializers,
 * tensor attributes of nodes, subgraphs of control-flow nodes, functions, training graphs), and refuses every
 * location that is not a {@link SafeLocation}. Runtimes open these paths relative to the model file, so an unchecked
 * {@code ../} or absolute path lets an uploaded model read any file on the serving machine, and ONNX Runtime reads
 * the offset of a {@code *}{@code /_ORT_MEM_ADDR_/*} location as a raw memory address.
 */
final class ExternalDataScanner {
  private static final String ATTRIBUTE = "attribute tensor";
  private final ProtoReader in;
  private final ReadLimits limits;
  private final Set<String> locations = new LinkedHashSet<>();
  private final Set<String> opTypes = new java.util.TreeSet<>();

  ExternalDataScanner(ProtoReader in, ReadLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  /** The operator types of every node met (main graph, subgraphs, functions, training graphs), sorted. */
  Set<String> opTypes() {
    return java.util.Collections.unmodifiableSet(opTypes);
  }

  /** Distinct locations in the order they were found. */
  List<String> locations() {
    return new ArrayList<>(locations);
  }

  /**
   * Walks a GraphProto.
   *
   * @param initializerNames receives the names of this graph's own (dense and sparse) initializers; may be null
   */
  void scanGraph(long end, int depth, Consumer<String> initializerNames) throws InvalidModelException, IOException {
    ReadLimits.checkDepth(depth, in.position());
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> scanNode(in.readLengthDelimited(tag, end, "GraphProto.node"), depth + 1);
        case 5 -> {
          String name = scanTensor(in.readLengthDelimited(tag, end, "GraphProto.initializer"), depth + 1,
              "initializer");
          if (initializerNames != null) {
            initializerNames.accept(name);
          }
        }
        case 15 -> scanSparseTensor(in.readLengthDelimited(tag, end, "GraphProto.sparse_initializer"), depth + 1,
            initializerNames, "sparse initializer");
        default -> in.skip(tag, end);
      }
    }
  }

  /** Walks a TrainingInfoProto (its initialization and algorithm graphs). */
  void scanTrainingInfo(long end, int depth) throws InvalidModelException, IOException {
    ReadLimits.checkDepth(depth, in.position());
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> scanGraph(in.readLengthDelimited(tag, end, "TrainingInfoProto.initialization"), depth + 1, null);
        case 2 -> scanGraph(in.readLengthDelimited(tag, end, "TrainingInfoProto.algorithm"), depth + 1, null);
        default -> in.skip(tag, end);
      }
    }
  }

  /** Walks a FunctionProto (its nodes and attribute defaults). */
  void scanFunction(long end, int depth) throws InvalidModelException, IOException {
    ReadLimits.checkDepth(depth, in.position());
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 7 -> scanNode(in.readLengthDelimited(tag, end, "FunctionProto.node"), depth + 1);
        case 11 -> scanAttribute(in.readLengthDelimited(tag, end, "FunctionProto.attribute_proto"), depth + 1);
        default -> in.skip(tag, end);
      }
    }
  }

  private void scanNode(long end, int depth) throws InvalidModelException, IOException {
    ReadLimits.checkDepth(depth, in.position());
    while (in.position() < end) {
      int tag = in.readTag(end);
      if (fieldNumber(tag) == 5) {
        scanAttribute(in.readLengthDelimited(tag, end, "NodeProto.attribute"), depth + 1);
      } else if (fieldNumber(tag) == 4 && opTypes.size() < 10_000) {
        opTypes.add(in.readString(tag, end, "NodeProto.op_type", 256));
      } else {
        in.skip(tag, end);
      }
    }
  }

  private void scanAttribute(long end, int depth) throws InvalidModelException, IOException {
    ReadLimits.checkDepth(depth, in.position());
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 5 -> scanTensor(in.readLengthDelimited(tag, end, "AttributeProto.t"), depth + 1, ATTRIBUTE);
        case 6 -> scanGraph(in.readLengthDelimited(tag, end, "AttributeProto.g"), depth + 1, null);
        case 10 -> scanTensor(in.readLengthDelimited(tag, end, "AttributeProto.tensors"), depth + 1, ATTRIBUTE);
        case 11 -> scanGraph(in.readLengthDelimited(tag, end, "AttributeProto.graphs"), depth + 1, null);
        case 22 -> scanSparseTensor(in.readLengthDelimited(tag, end, "AttributeProto.sparse_tensor"), depth + 1, null,
            ATTRIBUTE);
        case 23 -> scanSparseTensor(in.readLengthDelimited(tag, end, "AttributeProto.sparse_tensors"), depth + 1,
            null, ATTRIBUTE);
        default -> in.skip(tag, end);
      }
    }
  }

  /** A sparse tensor is named by its values tensor. */
  private void scanSparseTensor(long end, int depth, Consumer<String> names, String kind)
      throws InvalidModelException, IOException {
    ReadLimits.checkDepth(depth, in.position());
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> {
          String name = scanTensor(in.readLengthDelimited(tag, end, "SparseTensorProto.values"), depth + 1, kind);
          if (names != null) {
            names.accept(name);
          }
        }
        case 2 -> scanTensor(in.readLengthDelimited(tag, end, "SparseTensorProto.indices"), depth + 1,
            kind + " indices");
        default -> in.skip(tag, end);
      }
    }
  }

  /**
   * Checks a TensorProto's external data and returns its name; the data itself is skipped, never read.
   *
   * @param kind what holds the tensor (initializer, attribute tensor, ...), for messages
   */
  private String scanTensor(long end, int depth, String kind) throws InvalidModelException, IOException {
    ReadLimits.checkDepth(depth, in.position());
    long start = in.position();
    String name = "";
    List<String> tensorLocations = new ArrayList<>(1);
    long dataLocation = 0;
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 8 -> name = in.readString(tag, end, "tensor name", ReadLimits.MAX_STRING_BYTES);
        case 13 -> {
          String location = readLocationEntry(in.readLengthDelimited(tag, end, "TensorProto.external_data"));
          if (location != null) {
            tensorLocations.add(location);
          }
        }
        case 14 -> dataLocation = in.readVarintField(tag, end, "TensorProto.data_location");
        default -> in.skip(tag, end);
      }
    }
    if (dataLocation == 1 && tensorLocations.isEmpty()) {
      throw new InvalidModelException("The tensor '" + printable(name) + "' at byte " + start
          + " is stored as external data but has no location.");
    }
    for (String location : tensorLocations) {
      SafeLocation.check(kind + " '" + printable(name) + "': external data location", location);
      if (!locations.contains(location)) {
        ReadLimits.checkCount(locations.size(), "external data locations");
        limits.retain(location.length() * 2L + 64);
        locations.add(location);
      }
    }
    return name;
  }

  /** Reads one StringStringEntryProto of external_data; returns its value when the key is "location". */
  private String readLocationEntry(long end) throws InvalidModelException, IOException {
    String key = "";
    String value = "";
    while (in.position() < end) {
      int tag = in.readTag(end);
      switch (fieldNumber(tag)) {
        case 1 -> key = in.readString(tag, end, "external data key", ReadLimits.MAX_STRING_BYTES);
        case 2 -> value = in.readString(tag, end, "external data value", ReadLimits.MAX_STRING_BYTES);
        default -> in.skip(tag, end);
      }
    }
    return key.equals("location") ? value : null;
  }

  /** Makes an untrusted string safe to put in a message: no control characters, bounded length. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && out.length() < 200; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > 200 ? out + "..." : out.toString();
  }
}
