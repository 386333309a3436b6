package io.mmaas.agent.testing;

import io.mmaas.agent.runtime.InferenceException;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelLoadException;
import io.mmaas.agent.runtime.ModelNotLoadedException;
import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real runtime whose inferences wait at a gate until the test opens it, so a test can hold requests in flight
 * and observe what the agent does meanwhile, without sleeping.
 */
public final class GatedRuntime implements ModelRuntime {
  private final ModelRuntime real;
  private final Semaphore gate = new Semaphore(0);
  private final AtomicInteger waiting = new AtomicInteger();

  public GatedRuntime(ModelRuntime real) {
    this.real = real;
  }

  /** Inferences waiting at the gate now. */
  public int waiting() {
    return waiting.get();
  }

  /** Lets {@code calls} inferences through. */
  public void open(int calls) {
    gate.release(calls);
  }

  @Override
  public List<Tensor> infer(String replicaId, List<Tensor> inputs, Set<String> outputs)
      throws ModelNotLoadedException, InferenceException {
    waiting.incrementAndGet();
    gate.acquireUninterruptibly();
    waiting.decrementAndGet();
    return real.infer(replicaId, inputs, outputs);
  }

  @Override
  public LoadedModel load(String replicaId, Path onnxFile, RuntimeOptions options) throws ModelLoadException {
    return real.load(replicaId, onnxFile, options);
  }

  @Override
  public void unload(String replicaId) {
    real.unload(replicaId);
  }

  @Override
  public Optional<LoadedModel> find(String replicaId) {
    return real.find(replicaId);
  }

  @Override
  public long memoryUsed(String replicaId) {
    return real.memoryUsed(replicaId);
  }

  @Override
  public String executionProvider() {
    return real.executionProvider();
  }

  @Override
  public List<String> availableProviders() {
    return real.availableProviders();
  }

  @Override
  public void close() {
    gate.release(Integer.MAX_VALUE / 2);
    real.close();
  }
}
