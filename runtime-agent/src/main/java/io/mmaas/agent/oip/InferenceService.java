package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelNotLoadedException;
import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.agent.runtime.TensorSpec;
import io.mmaas.agent.sync.ReplicaState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.sync.ReplicaTable;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The serving rules: which replica answers, whether it is ready, and running a request. Decoding, inference and
 * encoding all run on the bounded inference pool, never on the event loop; at most {@code maxPending} requests
 * wait or run at once, the rest get 503 at once instead of queueing without bound.
 */
public final class InferenceService {
  static final String PLATFORM = "onnx_onnxv1";

  private final ReplicaTable replicas;
  private final ModelRuntime runtime;
  private final WorkerExecutor workers;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();

  public InferenceService(ReplicaTable replicas, ModelRuntime runtime, WorkerExecutor workers, int maxPending) {
    this.replicas = replicas;
    this.runtime = runtime;
    this.workers = workers;
    this.maxPending = maxPending;
  }

  /** A replica that can serve now, with the names the caller sees. */
  private record Serving(ReplicaStatus status, LoadedModel model, ModelNames names) {}

  private Serving resolve(String replicaId, String nameHeader, String versionHeader)
      throws ModelNotFoundException, UnavailableException {
    ReplicaStatus status = replicas.find(replicaId)
        .orElseThrow(() -> new ModelNotFoundException(nameHeader != null ? nameHeader : replicaId));
    ModelNames names = ModelNames.resolve(nameHeader, versionHeader, status);
    if (status.state() != ReplicaState.READY) {
      throw new UnavailableException("model " + names.name() + " is not ready (" + status.state() + ")");
    }
    LoadedModel model = runtime.find(replicaId)
        .orElseThrow(() -> new UnavailableException("model " + names.name() + " is not loaded"));
    return new Serving(status, model, names);
  }

  /** Runs an OIP JSON request; the future holds the JSON response body. */
  public Future<Buffer> infer(String replicaId, String nameHeader, String versionHeader, Buffer body) {
    Serving serving;
    try {
      serving = resolve(replicaId, nameHeader, versionHeader);
    } catch (ModelNotFoundException | UnavailableException e) {
      return Future.failedFuture(e);
    }
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return Future.failedFuture(new UnavailableException("too many requests in progress; retry later"));
    }
    return workers.executeBlocking(() -> {
      try {
        return run(replicaId, serving, body == null ? new byte[0] : body.getBytes());
      } finally {
        pending.decrementAndGet();
      }
    }, false);
  }

  private Buffer run(String replicaId, Serving serving, byte[] body) throws Exception {
    InferRequest request = JsonInferCodec.decode(body, serving.model());
    List<Tensor> outputs;
    try {
      outputs = runtime.infer(replicaId, request.inputs(), request.outputs());
    } catch (ModelNotLoadedException e) {
      throw new UnavailableException("model " + serving.names().name() + " was unloaded");
    }
    return JsonInferCodec.encode(serving.names(), request.id(), outputs);
  }

  /** OIP model metadata. */
  public Future<JsonObject> metadata(String replicaId, String nameHeader, String versionHeader) {
    try {
      Serving serving = resolve(replicaId, nameHeader, versionHeader);
      return Future.succeededFuture(new JsonObject()
          .put("name", serving.names().name())
          .put("versions", new JsonArray().add(serving.names().version()))
          .put("platform", PLATFORM)
          .put("inputs", tensors(serving.model().inputs()))
          .put("outputs", tensors(serving.model().outputs())));
    } catch (ModelNotFoundException | UnavailableException e) {
      return Future.failedFuture(e);
    }
  }

  /** Whether the replica can serve; fails with {@link ModelNotFoundException} for an unknown one. */
  public Future<Boolean> ready(String replicaId) {
    try {
      resolve(replicaId, null, null);
      return Future.succeededFuture(true);
    } catch (ModelNotFoundException e) {
      return Future.failedFuture(e);
    } catch (UnavailableException e) {
      return Future.succeededFuture(false);
    }
  }

  private static JsonArray tensors(List<TensorSpec> specs) {
    JsonArray array = new JsonArray();
    for (TensorSpec spec : specs) {
      array.add(new JsonObject()
          .put("name", spec.name())
          .put("datatype", spec.datatype().name())
          .put("shape", new JsonArray(List.copyOf(spec.shape()))));
    }
    return array;
  }
}
