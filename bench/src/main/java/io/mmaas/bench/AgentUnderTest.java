package io.mmaas.bench;

import io.mmaas.agent.oip.ServingKey;
import io.mmaas.agent.oip.ServingVerticle;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelLoadException;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.sync.ReplicaState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.sync.ReplicaTable;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real agent's serving stack (ServingVerticle, InferenceService, codecs, batching, OrtModelRuntime) in this
 * process, on its own Vert.x instance. It bypasses enrollment and the reconciler: replicas are loaded through the
 * real {@link OrtModelRuntime#load} and marked READY in the {@link ReplicaTable} directly, as the reconciler would.
 */
final class AgentUnderTest implements AutoCloseable {
  static final String KEY = "bench-serving-key";

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  private final OrtModelRuntime runtime = new OrtModelRuntime(ExecutionProviderPreference.AUTO);
  private final ReplicaTable replicas = new ReplicaTable();
  private final ServingVerticle serving;

  AgentUnderTest(int inferThreads, int maxPending) {
    this(inferThreads, maxPending, Math.min(8, Runtime.getRuntime().availableProcessors()));
  }

  AgentUnderTest(int inferThreads, int maxPending, int eventLoops) {
    ServingKey key = new ServingKey();
    key.set(KEY);
    serving = new ServingVerticle(
        new ServingVerticle.Settings("127.0.0.1", 0, 256L << 20, inferThreads, maxPending, eventLoops), runtime,
        replicas, key);
    vertx.deployVerticle(serving).await();
  }

  LoadedModel load(String replicaId, String modelName, Path file, RuntimeOptions options) throws ModelLoadException {
    LoadedModel model = runtime.load(replicaId, file, options);
    replicas.put(new ReplicaStatus(replicaId, modelName, 1, ReplicaState.READY, null, model.memoryBytes()));
    return model;
  }

  void unload(String replicaId) {
    replicas.remove(replicaId);
    runtime.unload(replicaId);
  }

  OrtModelRuntime runtime() {
    return runtime;
  }

  int port() {
    return serving.actualPort();
  }

  /** The ids of this agent's event-loop threads (the load generator runs on another Vert.x). */
  Set<Long> eventLoopThreadIds() {
    Set<Long> ids = ConcurrentHashMap.newKeySet();
    List<io.netty.util.concurrent.Future<?>> asked = new ArrayList<>();
    for (EventExecutor loop : ((VertxInternal) vertx).eventLoopGroup()) {
      asked.add(loop.submit(() -> ids.add(Thread.currentThread().getId())));
    }
    asked.forEach(io.netty.util.concurrent.Future::syncUninterruptibly);
    return ids;
  }

  /** Runs (batches) counted for a model so far. */
  long batches(String modelName) {
    return serving.service().metrics().model(modelName, "1").batches();
  }

  /** Requests answered for a model so far. */
  long requests(String modelName) {
    return serving.service().metrics().model(modelName, "1").requests();
  }

  @Override
  public void close() {
    vertx.close().await();
    runtime.close();
  }
}
