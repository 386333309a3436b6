package io.mmaas.agent.runtime;

import java.util.List;
import java.util.Objects;

/**
 * A model input or output as the loaded session declares it.
 *
 * @param shape one entry per dimension; -1 where the dimension is dynamic or symbolic
 */
public record TensorSpec(String name, DataType datatype, List<Long> shape) {
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    shape = List.copyOf(shape);
  }
}
