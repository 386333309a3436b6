package io.mmaas.agent.oip;

import io.mmaas.agent.batching.BatchObserver;
import io.mmaas.agent.batching.InferenceQueue;
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
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The serving rules: which replica answers, whether it is ready, and running a request. Every request goes through
 * its replica's {@link InferenceQueue}: decoding, inference (batched when the replica's options ask for it) and
 * encoding all run on the bounded inference pool, never on the event loop. At most {@code maxPending} requests wait
 * or run at once; the rest get 503 at once instead of queueing without bound.
 */
public final class InferenceService {
  static final String PLATFORM = "onnx_onnxv1";

  private final ReplicaTable replicas;
  private final ModelRuntime runtime;
  private final Executor workers;
  private final int workerCount;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final AgentMetrics metrics;
  private final Map<String, InferenceQueue> queues = new ConcurrentHashMap<>();

  /**
   * @param workerCount the size of {@code workers}: how many batches of one replica may run at once
   * @param maxPending requests admitted at once, across models
   */
  public InferenceService(ReplicaTable replicas, ModelRuntime runtime, Executor workers, int workerCount,
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
  record Target(String replicaId, String pathVersion, String nameHeader, String versionHeader, String requestId) {
    /** A target without a request id (metadata, readiness). */
    Target(String replicaId, String pathVersion, String nameHeader, String versionHeader) {
      this(replicaId, pathVersion, nameHeader, versionHeader, null);
    }
  }

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
   * Whether a request's caller is still there: the HTTP layer sets {@link #gone} (on its event loop) when the
   * connection closes before the answer, and the runner reads it before decoding.
   */
  static final class Caller {
    private volatile boolean gone;

    /** Marks the caller gone when {@code response}'s connection closes before the response ends. */
    static Caller of(HttpServerResponse response) {
      Caller caller = new Caller();
      response.closeHandler(v -> caller.gone = true);
      return caller;
    }

    /**
     * The same for a request served by the router: through an end handler, since Vert.x Web keeps the response's
     * close handler for its own end handlers (replacing it would silence them).
     */
    static Caller of(RoutingContext ctx) {
      Caller caller = new Caller();
      ctx.addEndHandler(ended -> {
        if (ended.failed()) {
          caller.gone = true;
        }
      });
      return caller;
    }

    boolean gone() {
      return gone;
    }
  }

  /**
   * Runs an OIP request; the future holds the encoded response and completes on the caller's context.
   *
   * @param headerLength the Inference-Header-Content-Length, or -1 for a plain JSON body
   * @param caller its request is dropped without work when it has gone by the time a runner takes it; may be null
   */
  Future<InferResponseWriter.Encoded> infer(Target target, Buffer body, long headerLength, Caller caller) {
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
    // the Outbox completes the promise on the caller's context, so the promise itself needs none
    ContextInternal context = (ContextInternal) Vertx.currentContext();
    Promise<InferResponseWriter.Encoded> promise = Promise.promise();
    OipJob job = new OipJob(serving, body == null ? Buffer.buffer() : body, headerLength, admitted, observed, context,
        promise, caller, target.requestId());
    queue(serving.model()).submit(job);
    return promise.future();
  }

  /** One request on its way through a replica's {@link InferenceQueue}; answered on the runner that ran it. */
  private final class OipJob implements InferenceQueue.Job {
    private final Serving serving;
    private final Buffer body;
    private final long headerLength;
    private final long admitted;
    private final ModelMetrics observed;
    private final ContextInternal context;
    private final Promise<InferResponseWriter.Encoded> promise;
    private final Caller caller;
    private final String requestId;
    private InferRequest request;
    private boolean answered;

    OipJob(Serving serving, Buffer body, long headerLength, long admitted, ModelMetrics observed,
        ContextInternal context, Promise<InferResponseWriter.Encoded> promise, Caller caller, String requestId) {
      this.caller = caller;
      this.requestId = requestId;
      this.serving = serving;
      this.body = body;
      this.headerLength = headerLength;
      this.admitted = admitted;
      this.observed = observed;
      this.context = context;
      this.promise = promise;
    }

    @Override
    public long admittedNanos() {
      return admitted;
    }

    @Override
    public BatchObserver observer() {
      return observed;
    }

    @Override
    public String requestId() {
      return requestId;
    }

    @Override
    public boolean abandoned() {
      return caller != null && caller.gone();
    }

    @Override
    public InferenceQueue.Prepared prepare() throws InvalidInputException {
      request = decode(serving, body, headerLength);
      return new InferenceQueue.Prepared(request.inputs(), request.outputs());
    }

    @Override
    public void succeeded(List<Tensor> outputs) {
      InferResponseWriter.Encoded encoded = encode(serving, request, outputs);
      finish(200);
      Outbox.post(context, () -> promise.tryComplete(encoded));
    }

    @Override
    public void failed(Throwable failure) {
      Throwable shown = shown(failure);
      if (!answered) {
        finish(OipFailureHandler.statusOf(shown, 500));
      }
      Outbox.post(context, () -> promise.tryFail(shown));
    }

    private Throwable shown(Throwable failure) {
      if (failure instanceof QueueFullException) {
        return new UnavailableException(failure.getMessage());
      }
      if (failure instanceof ModelNotLoadedException) {
        return new UnavailableException("model " + serving.names().name() + " was unloaded");
      }
      return failure;
    }

    private void finish(int status) {
      answered = true;
      pending.decrementAndGet();
      observed.request(status, System.nanoTime() - admitted);
    }
  }

  private InferenceQueue queue(LoadedModel model) {
    InferenceQueue current = queues.get(model.replicaId());
    if (current != null && current.model() == model) {
      return current;
    }
    return queues.compute(model.replicaId(), (id, existing) -> {
      if (existing != null && existing.model() == model) {
        return existing;
      }
      if (existing != null) {
        existing.close();
      }
      return new InferenceQueue(runtime, model, workers, workerCount, maxPending, Outbox::collect);
    });
  }

  /** Closes the queues of replicas that were unloaded or reloaded since; called now and then. */
  public void sweepQueues() {
    queues.forEach((id, queue) -> {
      if (runtime.find(id).filter(loaded -> loaded == queue.model()).isEmpty()) {
        queues.remove(id, queue);
        queue.close();
      }
    });
  }

  /** Closes every queue. */
  public void close() {
    queues.values().forEach(InferenceQueue::close);
    queues.clear();
  }

  private static InferRequest decode(Serving serving, Buffer body, long headerLength) throws InvalidInputException {
    ByteBuf buf = ((BufferInternal) body).getByteBuf();
    byte[] bytes = buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0 ? buf.array() : body.getBytes();
    return InferCodec.decode(bytes, body.length(), headerLength, serving.model());
  }

  private static InferResponseWriter.Encoded encode(Serving serving, InferRequest request, List<Tensor> outputs) {
    return InferCodec.encode(serving.names(), request.id(), outputs, request.binaryOutputs());
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
