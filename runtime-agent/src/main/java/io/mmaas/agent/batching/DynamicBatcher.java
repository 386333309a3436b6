package io.mmaas.agent.batching;

import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelNotLoadedException;
import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.agent.runtime.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching for one loaded replica. A collector thread waits until a runner is free, takes the oldest
 * request, lets others join it until the batch holds {@code maxBatchSize} rows or the oldest has waited
 * {@code maxQueueDelayMicros}, and hands the batch to a runner. While every runner is busy, requests accumulate,
 * so batches grow with load and stay at one request when the agent is idle. Requests join a batch only when they
 * ask for the same outputs and their inputs agree in every dimension but the first.
 *
 * <p>The queue is bounded: {@link #submit} fails at once with {@link QueueFullException} when it is full.
 */
public final class DynamicBatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);

  private final ModelRuntime runtime;
  private final LoadedModel model;
  private final Executor runners;
  private final Semaphore freeRunners;
  private final BlockingQueue<Pending> queue;
  private final int maxRows;
  private final long delayNanos;
  private final Thread collector;
  private volatile boolean closed;

  /** Requests that agree in these may share a run. */
  private record Key(List<List<Long>> trailingShapes, Set<String> outputs) {}

  private record Pending(
      List<Tensor> inputs, Set<String> outputs, Key key, int rows, long enqueuedNanos, BatchObserver observer,
      CompletableFuture<List<Tensor>> result) {}

  /**
   * @param runners where batches run (blocking work); at most {@code concurrency} batches run at once
   * @param queueCapacity requests that may wait; more are refused
   */
  public DynamicBatcher(ModelRuntime runtime, LoadedModel model, Executor runners, int concurrency, int queueCapacity) {
    this.runtime = runtime;
    this.model = model;
    this.runners = runners;
    this.freeRunners = new Semaphore(Math.max(1, concurrency));
    this.queue = new ArrayBlockingQueue<>(Math.max(1, queueCapacity));
    this.maxRows = model.options().maxBatchSize();
    this.delayNanos = TimeUnit.MICROSECONDS.toNanos(model.options().maxQueueDelayMicros());
    this.collector = new Thread(this::collect, "mmaas-batcher-" + model.replicaId());
    collector.setDaemon(true);
    collector.start();
  }

  /** The model this batcher feeds; a reloaded replica gets a new batcher. */
  public LoadedModel model() {
    return model;
  }

  /**
   * Queues validated inputs (any order) for a batched run.
   *
   * @param enqueuedNanos {@link System#nanoTime()} at admission, for the queue-time observation
   * @return the outputs in the model's order; failed with {@link QueueFullException} when the queue is full
   */
  public CompletableFuture<List<Tensor>> submit(
      List<Tensor> inputs, Set<String> outputs, long enqueuedNanos, BatchObserver observer) {
    List<Tensor> ordered = inModelOrder(inputs);
    List<List<Long>> trailing = new ArrayList<>(ordered.size());
    for (Tensor input : ordered) {
      long[] shape = input.shape();
      trailing.add(Arrays.stream(shape, 1, shape.length).boxed().toList());
    }
    int rows = Math.toIntExact(ordered.get(0).shape()[0]);
    CompletableFuture<List<Tensor>> result = new CompletableFuture<>();
    Pending pending = new Pending(ordered, outputs, new Key(trailing, outputs), rows, enqueuedNanos, observer, result);
    if (closed) {
      result.completeExceptionally(new ModelNotLoadedException(model.replicaId()));
    } else if (!queue.offer(pending)) {
      result.completeExceptionally(new QueueFullException(
          "the batching queue of replica " + model.replicaId() + " is full; retry later"));
    }
    return result;
  }

  private List<Tensor> inModelOrder(List<Tensor> inputs) {
    Map<String, Tensor> byName = new HashMap<>();
    inputs.forEach(t -> byName.put(t.name(), t));
    List<Tensor> ordered = new ArrayList<>(model.inputs().size());
    for (TensorSpec spec : model.inputs()) {
      ordered.add(byName.get(spec.name()));
    }
    return ordered;
  }

  private void collect() {
    Pending carried = null;
    try {
      while (!closed) {
        freeRunners.acquire();
        Pending first = carried != null ? carried : queue.take();
        carried = null;
        List<Pending> batch = new ArrayList<>();
        batch.add(first);
        int rows = first.rows();
        long deadline = first.enqueuedNanos() + delayNanos;
        while (rows < maxRows) {
          Pending next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          if (!next.key().equals(first.key()) || rows + next.rows() > maxRows) {
            carried = next;
            break;
          }
          batch.add(next);
          rows += next.rows();
        }
        dispatch(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(carried);
  }

  private void dispatch(List<Pending> batch) {
    try {
      runners.execute(() -> {
        try {
          run(batch);
        } finally {
          freeRunners.release();
        }
      });
    } catch (RuntimeException e) {
      freeRunners.release();
      batch.forEach(p -> p.result().completeExceptionally(e));
    }
  }

  private void run(List<Pending> batch) {
    long started = System.nanoTime();
    for (Pending p : batch) {
      p.observer().queued(started - p.enqueuedNanos());
    }
    batch.get(0).observer().batched(batch.size());
    try {
      if (batch.size() == 1) {
        Pending only = batch.get(0);
        only.result().complete(runtime.infer(model.replicaId(), only.inputs(), only.outputs()));
        return;
      }
      List<Tensor> inputs = new ArrayList<>();
      for (int i = 0; i < model.inputs().size(); i++) {
        List<Tensor> parts = new ArrayList<>(batch.size());
        for (Pending p : batch) {
          parts.add(p.inputs().get(i));
        }
        inputs.add(BatchTensors.concat(parts));
      }
      List<Tensor> outputs = runtime.infer(model.replicaId(), inputs, batch.get(0).outputs());
      int[] rows = batch.stream().mapToInt(Pending::rows).toArray();
      List<List<Tensor>> perRequest = new ArrayList<>();
      batch.forEach(p -> perRequest.add(new ArrayList<>(outputs.size())));
      for (Tensor output : outputs) {
        List<Tensor> pieces = BatchTensors.split(output, rows);
        for (int r = 0; r < batch.size(); r++) {
          perRequest.get(r).add(pieces.get(r));
        }
      }
      for (int r = 0; r < batch.size(); r++) {
        batch.get(r).result().complete(perRequest.get(r));
      }
    } catch (Exception | LinkageError e) {
      batch.forEach(p -> p.result().completeExceptionally(e));
    }
  }

  /** Stops collecting; queued requests fail with {@link ModelNotLoadedException}. Batches already running finish. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      collector.interrupt();
      failAll(null);
      log.debug("batcher of replica {} closed", model.replicaId());
    }
  }

  private void failAll(Pending carried) {
    if (carried != null) {
      carried.result().completeExceptionally(new ModelNotLoadedException(model.replicaId()));
    }
    for (Pending p = queue.poll(); p != null; p = queue.poll()) {
      p.result().completeExceptionally(new ModelNotLoadedException(model.replicaId()));
    }
  }
}
