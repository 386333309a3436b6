package io.mmaas.agent.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded session. Runs share a read lock and closing takes the write lock, so a session is never closed under
 * a run in progress (which would free native memory the run still uses).
 */
final class OrtReplica {
  private static final Logger log = LoggerFactory.getLogger(OrtReplica.class);

  private final OrtSession session;
  private final LoadedModel model;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lock

  OrtReplica(OrtSession session, LoadedModel model) {
    this.session = session;
    this.model = model;
  }

  LoadedModel model() {
    return model;
  }

  List<Tensor> run(OrtEnvironment env, RunWatchdog watchdog, List<Tensor> inputs, Set<String> wanted)
      throws ModelNotLoadedException, InferenceException {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new ModelNotLoadedException(model.replicaId());
      }
      return execute(env, watchdog, session, model.outputs(), inputs, wanted);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Runs {@code session} under the watchdog's time limit and copies the wanted outputs out; every native value is
   * closed before returning.
   */
  static List<Tensor> execute(OrtEnvironment env, RunWatchdog watchdog, OrtSession session, List<TensorSpec> offered,
      List<Tensor> inputs, Set<String> wanted) throws InferenceException {
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try {
      for (Tensor input : inputs) {
        feed.put(input.name(), OrtTensors.toOnnx(env, input));
      }
      List<TensorSpec> outputs = offered.stream().filter(o -> wanted.contains(o.name())).toList();
      Set<String> names = new LinkedHashSet<>();
      outputs.forEach(o -> names.add(o.name()));
      OrtSession.Result run;
      RunWatchdog.Slot slot = watchdog.begin();
      try {
        run = session.run(feed, names, slot.options());
      } catch (OrtException e) {
        if (slot.end()) {
          throw new InferenceTimeoutException(watchdog.limitMillis(), e);
        }
        throw e;
      }
      slot.end(); // a run that finished as it was being stopped still has its outputs
      try (OrtSession.Result result = run) {
        List<Tensor> tensors = new ArrayList<>(outputs.size());
        for (TensorSpec output : outputs) {
          OnnxValue value =
              result.get(output.name()).orElseThrow(() -> new OrtException("no value for " + output.name()));
          if (!(value instanceof OnnxTensor tensor)) {
            throw new OrtException("output " + output.name() + " is not a tensor");
          }
          tensors.add(OrtTensors.fromOnnx(output.name(), output.datatype(), tensor));
        }
        return tensors;
      }
    } catch (OrtException e) {
      throw new InferenceException("inference failed: " + e.getMessage(), e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** Waits for runs in progress, then frees the session. */
  void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        session.close();
      }
    } catch (OrtException e) {
      log.warn("closing the session of replica {} failed: {}", model.replicaId(), e.getMessage());
    } finally {
      lock.writeLock().unlock();
    }
  }
}
