package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.TensorSpec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a request's inputs and requested outputs against the loaded model before any data is decoded or run.
 * Encoding-independent: the JSON codec uses it now, the binary tensor extension can later.
 */
final class RequestValidator {
  /** The most elements one input may hold: its buffer must fit a Java array index at 8 bytes per element. */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE / 8;

  private RequestValidator() {}

  /** Validates the inputs; returns each one's element count, in request order. */
  static int[] checkInputs(List<InputHeader> inputs, LoadedModel model) throws InvalidInputException {
    if (inputs.isEmpty()) {
      throw new InvalidInputException("request has no inputs");
    }
    Map<String, TensorSpec> specs = byName(model.inputs());
    Set<String> seen = new HashSet<>();
    int[] counts = new int[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      InputHeader input = inputs.get(i);
      TensorSpec spec = specs.get(input.name());
      if (spec == null) {
        throw new InvalidInputException(
            "unknown input '" + input.name() + "'; the model's inputs are " + specs.keySet());
      }
      if (!seen.add(input.name())) {
        throw new InvalidInputException("input '" + input.name() + "' appears more than once");
      }
      checkDatatype(input, spec);
      counts[i] = checkShape(input, spec);
    }
    for (String name : specs.keySet()) {
      if (!seen.contains(name)) {
        throw new InvalidInputException("missing input '" + name + "'; the model's inputs are " + specs.keySet());
      }
    }
    return counts;
  }

  private static void checkDatatype(InputHeader input, TensorSpec spec) throws InvalidInputException {
    DataType type = DataType.fromOip(input.datatype())
        .orElseThrow(() -> new InvalidInputException(
            "input '" + input.name() + "' has unknown or unsupported datatype '" + input.datatype() + "'"));
    if (type != spec.datatype()) {
      throw new InvalidInputException(
          "input '" + input.name() + "' has datatype " + type + " but the model expects " + spec.datatype());
    }
  }

  private static int checkShape(InputHeader input, TensorSpec spec) throws InvalidInputException {
    long[] shape = input.shape();
    String name = input.name();
    if (shape.length != spec.shape().size()) {
      throw new InvalidInputException("input '" + name + "' has shape " + Arrays.toString(shape) + " (rank "
          + shape.length + ") but the model expects rank " + spec.shape().size() + ": " + spec.shape());
    }
    long count = 1;
    // the product of the dimensions other than 0: bounded too, so that no later product over the shape (the
    // tensor's element count, ONNX Runtime's sizes) can overflow, even when a 0 makes the tensor empty
    long nonZero = 1;
    for (int d = 0; d < shape.length; d++) {
      // 0 is a valid dimension (an empty tensor, as ONNX Runtime and ONNX's own tests use); only negatives are not
      if (shape[d] < 0) {
        throw new InvalidInputException(
            "input '" + name + "': dimension " + d + " is " + shape[d] + "; dimensions must not be negative");
      }
      long expected = spec.shape().get(d);
      if (expected >= 0 && shape[d] != expected) {
        throw new InvalidInputException("input '" + name + "': dimension " + d + " is " + shape[d]
            + " but the model expects " + expected + " (model shape " + spec.shape() + ")");
      }
      if (shape[d] > 0) {
        nonZero = shape[d] > MAX_ELEMENTS / nonZero ? MAX_ELEMENTS + 1 : nonZero * shape[d];
      } else {
        count = 0;
      }
    }
    if (nonZero > MAX_ELEMENTS) {
      throw new InvalidInputException("input '" + name + "': shape " + Arrays.toString(shape)
          + (count == 0 ? " has dimensions too large: their product (without the 0) is more than "
              : " has more than the ") + MAX_ELEMENTS + (count == 0 ? "" : " elements allowed"));
    }
    count = count == 0 ? 0 : nonZero;
    if (input.dataElements() != count) {
      throw new InvalidInputException("input '" + name + "': shape " + Arrays.toString(shape) + " needs " + count
          + " elements but data has " + input.dataElements());
    }
    return (int) count;
  }

  /** The outputs to compute, in the model's order: all when {@code requested} is null. */
  static Set<String> checkOutputs(List<String> requested, LoadedModel model) throws InvalidInputException {
    Map<String, TensorSpec> specs = byName(model.outputs());
    if (requested == null) {
      return new LinkedHashSet<>(specs.keySet());
    }
    if (requested.isEmpty()) {
      throw new InvalidInputException("outputs is empty; omit it to get every output");
    }
    for (String name : requested) {
      if (!specs.containsKey(name)) {
        throw new InvalidInputException("unknown output '" + name + "'; the model's outputs are " + specs.keySet());
      }
    }
    Set<String> wanted = new LinkedHashSet<>();
    specs.keySet().stream().filter(requested::contains).forEach(wanted::add);
    return wanted;
  }

  static TensorSpec spec(LoadedModel model, String input) {
    return byName(model.inputs()).get(input);
  }

  private static Map<String, TensorSpec> byName(List<TensorSpec> specs) {
    Map<String, TensorSpec> map = new LinkedHashMap<>();
    specs.forEach(s -> map.put(s.name(), s));
    return map;
  }
}
