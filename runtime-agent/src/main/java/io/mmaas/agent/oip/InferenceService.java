package io.mmaas.agent.oip;

import io.mmaas.agent.batching.DynamicBatcher;
import io.mmaas.agent.batching.QueueFullException;
import io.mmaas.agent.metrics.AgentMetrics;
import io.mmaas.agent.metrics.ModelMetrics;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelNotLoadedException;
import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.agent.runtime.TensorSpec;
import io.mmaas.agent.sync.ReplicaState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.sync.ReplicaTable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The serving rules: which replica answers, whether it is ready, and running a request. Decoding, inference and
 * encoding all run on the bounded inference pool, never on the event loop. At most {@code maxPending} requests wait
 * or run at once; the rest get 503 at once instead of queueing without bound. Replicas whose runtime options turn
 * batching on (and whose first dimension is dynamic) go through their {@link DynamicBatcher}.
 */
public final class InferenceService {
  static final String PLATFORM = "onnx_onnxv1";

  private final ReplicaTable replicas;
  private final ModelRuntime runtime;
  private final WorkerExecutor workers;
  private final int workerCount;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final AgentMetrics metrics;
  private final Map<String, DynamicBatcher> batchers = new ConcurrentHashMap<>();

  /**
   * @param workerCount the size of {@code workers}: how many batches of one replica may run at once
   * @param maxPending requests admitted at once, across models
   */
  public InferenceService(ReplicaTable replicas, ModelRuntime runtime, WorkerExecutor workers, int workerCount,
      int maxPending) {
    this.replicas = replicas;
    this.runtime = runtime;
    this.workers = workers;
    this.workerCount = workerCount;
    this.maxPending = maxPending;
    this.metrics = new AgentMetrics(runtime.executionProvider(), pending::get);
  }

  /** The metrics this service records. */
  public AgentMetrics metrics() {
    return metrics;
  }

  /** Which replica and names a request addresses: the path's replica and version, the gateway's name headers. */
  record Target(String replicaId, String pathVersion, String nameHeader, String versionHeader) {}

  /** A replica that can serve now, with the names the caller sees. */
  private record Serving(ReplicaStatus status, LoadedModel model, ModelNames names) {}

  private Serving resolve(Target target) throws ModelNotFoundException, UnavailableException {
    String shown = target.nameHeader() != null ? target.nameHeader() : target.replicaId();
    ReplicaStatus status = replicas.find(target.replicaId()).orElseThrow(() -> new ModelNotFoundException(shown));
    ModelNames names = ModelNames.resolve(target.nameHeader(), target.versionHeader(), status);
    if (target.pathVersion() != null && !target.pathVersion().equals(names.version())) {
      throw new ModelNotFoundException(names.name() + " version " + target.pathVersion());
    }
    if (status.state() != ReplicaState.READY) {
      throw new UnavailableException("model " + names.name() + " is not ready (" + status.state() + ")");
    }
    LoadedModel model = runtime.find(target.replicaId())
        .orElseThrow(() -> new UnavailableException("model " + names.name() + " is not loaded"));
    return new Serving(status, model, names);
  }

  /**
   * Runs an OIP request; the future holds the encoded response.
   *
   * @param headerLength the Inference-Header-Content-Length, or -1 for a plain JSON body
   */
  Future<InferResponseWriter.Encoded> infer(Target target, Buffer body, long headerLength) {
    Serving serving;
    try {
      serving = resolve(target);
    } catch (ModelNotFoundException | UnavailableException e) {
      return Future.failedFuture(e);
    }
    ModelMetrics observed = metrics.model(serving.status().modelName(), Long.toString(serving.status().version()));
    long admitted = System.nanoTime();
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      observed.request(503, System.nanoTime() - admitted);
      return Future.failedFuture(new UnavailableException("too many requests in progress; retry later"));
    }
    Buffer data = body == null ? Buffer.buffer() : body;
    LoadedModel model = serving.model();
    Future<InferResponseWriter.Encoded> result = model.options().batching() && model.batchable()
        ? batched(serving, data, headerLength, admitted, observed)
        : workers.executeBlocking(() -> {
          observed.queued(System.nanoTime() - admitted);
          InferRequest request = decode(serving, data, headerLength);
          observed.batched(1);
          return encode(serving, request, run(serving, request));
        }, false);
    return result.onComplete(done -> {
      pending.decrementAndGet();
      observed.request(statusOf(done.failed() ? done.cause() : null), System.nanoTime() - admitted);
    });
  }

  private Future<InferResponseWriter.Encoded> batched(
      Serving serving, Buffer data, long headerLength, long admitted, ModelMetrics observed) {
    Context context = io.vertx.core.Vertx.currentContext();
    return workers.executeBlocking(() -> decode(serving, data, headerLength), false).compose(request -> {
      DynamicBatcher batcher = batcher(serving.model());
      Future<List<Tensor>> outputs = Future.fromCompletionStage(
          batcher.submit(request.inputs(), request.outputs(), admitted, observed), context);
      return outputs
          .recover(InferenceService::unavailable)
          .compose(tensors -> workers.executeBlocking(() -> encode(serving, request, tensors), false));
    });
  }

  private static Future<List<Tensor>> unavailable(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof QueueFullException) {
      return Future.failedFuture(new UnavailableException(cause.getMessage()));
    }
    if (cause instanceof ModelNotLoadedException) {
      return Future.failedFuture(new UnavailableException("the model was unloaded"));
    }
    return Future.failedFuture(cause);
  }

  private DynamicBatcher batcher(LoadedModel model) {
    DynamicBatcher current = batchers.get(model.replicaId());
    if (current != null && current.model() == model) {
      return current;
    }
    return batchers.compute(model.replicaId(), (id, existing) -> {
      if (existing != null && existing.model() == model) {
        return existing;
      }
      if (existing != null) {
        existing.close();
      }
      return new DynamicBatcher(runtime, model, task -> workers.executeBlocking(() -> {
        task.run();
        return null;
      }, false), workerCount, maxPending);
    });
  }

  /** Closes the batchers of replicas that were unloaded or reloaded since; called now and then. */
  public void sweepBatchers() {
    batchers.forEach((id, batcher) -> {
      if (runtime.find(id).filter(loaded -> loaded == batcher.model()).isEmpty()) {
        batchers.remove(id, batcher);
        batcher.close();
      }
    });
  }

  /** Closes every batcher. */
  public void close() {
    batchers.values().forEach(DynamicBatcher::close);
    batchers.clear();
  }

  private static InferRequest decode(Serving serving, Buffer body, long headerLength) throws InvalidInputException {
    ByteBuf buf = ((BufferInternal) body).getByteBuf();
    byte[] bytes = buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0 ? buf.array() : body.getBytes();
    return InferCodec.decode(bytes, body.length(), headerLength, serving.model());
  }

  private List<Tensor> run(Serving serving, InferRequest request) throws Exception {
    try {
      return runtime.infer(serving.model().replicaId(), request.inputs(), request.outputs());
    } catch (ModelNotLoadedException e) {
      throw new UnavailableException("model " + serving.names().name() + " was unloaded");
    }
  }

  private static InferResponseWriter.Encoded encode(Serving serving, InferRequest request, List<Tensor> outputs) {
    return InferCodec.encode(serving.names(), request.id(), outputs, request.binaryOutputs());
  }

  private static int statusOf(Throwable failure) {
    if (failure == null) {
      return 200;
    }
    if (failure instanceof InvalidInputException) {
      return 400;
    }
    if (failure instanceof ModelNotFoundException) {
      return 404;
    }
    return failure instanceof UnavailableException ? 503 : 500;
  }

  /** OIP model metadata. */
  public Future<JsonObject> metadata(Target target) {
    try {
      Serving serving = resolve(target);
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
  public Future<Boolean> ready(Target target) {
    try {
      resolve(target);
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
