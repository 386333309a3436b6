package io.mmaas.agent.batching;

import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelNotLoadedException;
import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.agent.runtime.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way every request reaches one loaded replica: a bounded queue drained by runs on the shared inference pool.
 *
 * <p>Submitting never blocks: a full queue refuses at once ({@link QueueFullException}), so callers shed load
 * instead of adding latency. At most {@code concurrency} runners drain one replica at a time; a runner takes what is
 * queued, decodes it ({@link Job#prepare}, on the runner, never on an event loop), runs it and answers each job
 * ({@link Job#succeeded}) before it returns. A job whose caller has gone ({@link Job#abandoned}) is failed with
 * {@link CallerGoneException} instead, so a backlog left by callers that gave up (a gateway's timeout, a client's)
 * costs no inference. A runner keeps draining for up to {@link #SLICE_NANOS} while work is
 * queued, so under load the queue costs one hand-off per slice rather than one per request, and then yields its
 * thread so other replicas get their turn.
 *
 * <p>Dynamic batching, when the replica's options ask for it and its first dimension is dynamic: a runner takes up to
 * {@code maxBatchSize} requests, waiting at most {@code maxQueueDelayMicros} after the oldest was admitted for more
 * to arrive, and concatenates those whose inputs agree in every dimension but the first and that ask for the same
 * outputs into one run ({@link BatchTensors}); outputs are split back per request. With a delay of 0 batches hold
 * whatever queued while the runners were busy: one request when the agent is idle, more as load grows.
 */
public final class InferenceQueue implements AutoCloseable {
  /** How long a runner keeps draining one replica before giving its thread back to the pool. */
  static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final Logger log = LoggerFactory.getLogger(InferenceQueue.class);

  /** One request. Every method is called on a runner thread, and exactly one of succeeded/failed is called. */
  public interface Job {
    /** {@link System#nanoTime()} at admission: the queue delay counts from here. */
    long admittedNanos();

    BatchObserver observer();

    /** The caller's request id (the gateway's X-Request-Id), null when it has none. */
    default String requestId() {
      return null;
    }

    /** Whether the caller has gone (closed its connection); such a job is failed before it is decoded or run. */
    default boolean abandoned() {
      return false;
    }

    /** Decodes and validates the request; throwing fails this job alone. */
    Prepared prepare() throws Exception;

    /** The requested outputs, in the model's order. */
    void succeeded(List<Tensor> outputs);

    void failed(Throwable failure);
  }

  /** A decoded request: its inputs (any order) and the outputs it asks for. */
  public record Prepared(List<Tensor> inputs, Set<String> outputs) {}

  private record Entry(Job job, List<Tensor> inputs, Set<String> outputs, int rows) {}

  private final ModelRuntime runtime;
  private final LoadedModel model;
  private final Executor runners;
  private final Consumer<Runnable> around;
  private final int concurrency;
  private final BlockingQueue<Job> queue;
  private final AtomicInteger running = new AtomicInteger();
  private final int maxRows;
  private final long delayNanos;
  private volatile boolean closed;
  /** A runner waiting for a batch to fill, and how many more jobs would fill it. */
  private volatile Thread waiter;
  private volatile int missing;

  /**
   * @param runners the shared inference pool (blocking work)
   * @param concurrency runners that may drain this replica at once
   * @param capacity requests that may wait; more are refused
   */
  public InferenceQueue(ModelRuntime runtime, LoadedModel model, Executor runners, int concurrency, int capacity) {
    this(runtime, model, runners, concurrency, capacity, Runnable::run);
  }

  /**
   * @param around runs each pass (decode, run, answer the jobs taken together) on the runner thread; the caller
   *     can collect what the jobs answer and hand it on once per pass
   */
  public InferenceQueue(ModelRuntime runtime, LoadedModel model, Executor runners, int concurrency, int capacity,
      Consumer<Runnable> around) {
    this.runtime = runtime;
    this.model = model;
    this.runners = runners;
    this.around = around;
    this.concurrency = Math.max(1, concurrency);
    this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
    boolean batching = model.options().batching() && model.batchable();
    this.maxRows = batching ? model.options().maxBatchSize() : 1;
    this.delayNanos = batching ? TimeUnit.MICROSECONDS.toNanos(model.options().maxQueueDelayMicros()) : 0;
  }

  /** The model this queue feeds; a reloaded replica gets a new queue. */
  public LoadedModel model() {
    return model;
  }

  /** Queues a job; a full or closed queue fails it at once, on the calling thread. */
  public void submit(Job job) {
    if (closed) {
      job.failed(new ModelNotLoadedException(model.replicaId()));
      return;
    }
    if (!queue.offer(job)) {
      job.failed(new QueueFullException("the queue of replica " + model.replicaId() + " is full; retry later"));
      return;
    }
    if (closed) {
      failQueued();
      return;
    }
    Thread waiting = waiter;
    if (waiting != null && queue.size() >= missing) {
      LockSupport.unpark(waiting);
    }
    schedule();
  }

  /** Starts a runner when work is queued and fewer than {@code concurrency} run. */
  private void schedule() {
    while (!queue.isEmpty()) {
      int now = running.get();
      if (now >= concurrency) {
        return;
      }
      if (running.compareAndSet(now, now + 1)) {
        try {
          runners.execute(this::drain);
        } catch (RuntimeException e) {
          running.decrementAndGet();
          log.warn("the inference pool refused work for replica {}: {}", model.replicaId(), e.toString());
          failQueued(e);
        }
        return;
      }
    }
  }

  private void drain() {
    long started = System.nanoTime();
    try {
      do {
        List<Job> jobs = take();
        if (jobs.isEmpty()) {
          break;
        }
        around.accept(() -> process(jobs));
      } while (!closed && System.nanoTime() - started < SLICE_NANOS);
    } finally {
      running.decrementAndGet();
      if (closed) {
        failQueued();
      } else {
        schedule();
      }
    }
  }

  /**
   * What the next run may hold: one job, or up to maxRows jobs when batching (each holds at least one row). With a
   * queue delay the runner sleeps once until the oldest job's deadline, or until {@link #submit} sees enough jobs
   * queued to fill the batch and wakes it: one wake-up per batch, not one per arriving request.
   */
  private List<Job> take() {
    Job first = queue.poll();
    if (first == null) {
      return List.of();
    }
    List<Job> jobs = new ArrayList<>(Math.min(maxRows, 64));
    jobs.add(first);
    if (maxRows > 1) {
      queue.drainTo(jobs, maxRows - 1);
      long deadline = first.admittedNanos() + delayNanos;
      if (jobs.size() < maxRows && delayNanos > 0) {
        missing = maxRows - jobs.size();
        waiter = Thread.currentThread();
        long wait;
        while (queue.size() < missing && (wait = deadline - System.nanoTime()) > 0 && !closed) {
          LockSupport.parkNanos(this, wait);
        }
        waiter = null;
        queue.drainTo(jobs, maxRows - jobs.size());
      }
    }
    return jobs;
  }

  private void process(List<Job> jobs) {
    long started = System.nanoTime();
    List<Entry> ready = new ArrayList<>(jobs.size());
    for (Job job : jobs) {
      job.observer().queued(started - job.admittedNanos());
      if (job.abandoned()) {
        job.failed(new CallerGoneException());
        continue;
      }
      try {
        Prepared prepared = job.prepare();
        List<Tensor> inputs = inModelOrder(prepared.inputs());
        int rows = maxRows > 1 ? Math.toIntExact(inputs.get(0).shape()[0]) : 1;
        ready.add(new Entry(job, inputs, prepared.outputs(), rows));
      } catch (Throwable e) { // every job is answered, even when the run hits an Error
        job.failed(e);
      }
    }
    int i = 0;
    while (i < ready.size()) {
      Entry first = ready.get(i);
      int rows = first.rows();
      int j = i + 1;
      while (j < ready.size() && compatible(first, ready.get(j)) && rows + ready.get(j).rows() <= maxRows) {
        rows += ready.get(j).rows();
        j++;
      }
      run(ready.subList(i, j));
      i = j;
    }
  }

  /** Whether two requests can share a run: same outputs, inputs equal in every dimension but the first. */
  private boolean compatible(Entry a, Entry b) {
    if (maxRows <= 1 || !a.outputs().equals(b.outputs())) {
      return false;
    }
    for (int k = 0; k < a.inputs().size(); k++) {
      long[] x = a.inputs().get(k).shape();
      long[] y = b.inputs().get(k).shape();
      if (x.length != y.length || a.inputs().get(k).datatype() != b.inputs().get(k).datatype()) {
        return false;
      }
      for (int d = 1; d < x.length; d++) {
        if (x[d] != y[d]) {
          return false;
        }
      }
    }
    return true;
  }

  private void run(List<Entry> batch) {
    batch.get(0).job().observer().batched(batch.size());
    List<Tensor> outputs;
    try {
      String first = batch.get(0).job().requestId();
      RunningRequest.set(first == null || batch.size() == 1 ? first
          : first + " (+" + (batch.size() - 1) + " in its batch)");
      if (batch.size() == 1) {
        Entry only = batch.get(0);
        outputs = runtime.infer(model.replicaId(), only.inputs(), only.outputs());
      } else {
        List<Tensor> inputs = new ArrayList<>(model.inputs().size());
        for (int k = 0; k < model.inputs().size(); k++) {
          List<Tensor> parts = new ArrayList<>(batch.size());
          for (Entry e : batch) {
            parts.add(e.inputs().get(k));
          }
          inputs.add(BatchTensors.concat(parts));
        }
        outputs = runtime.infer(model.replicaId(), inputs, batch.get(0).outputs());
      }
    } catch (Throwable e) { // every job is answered, even when the run hits an Error
      batch.forEach(entry -> entry.job().failed(e));
      return;
    }
    if (batch.size() == 1) {
      answer(batch.get(0).job(), outputs);
      return;
    }
    int[] rows = new int[batch.size()];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = batch.get(r).rows();
    }
    List<List<Tensor>> perRequest = new ArrayList<>(batch.size());
    batch.forEach(e -> perRequest.add(new ArrayList<>(outputs.size())));
    try {
      for (Tensor output : outputs) {
        List<Tensor> pieces = BatchTensors.split(output, rows);
        for (int r = 0; r < rows.length; r++) {
          perRequest.get(r).add(pieces.get(r));
        }
      }
    } catch (Throwable e) { // every job is answered, even when the run hits an Error
      batch.forEach(entry -> entry.job().failed(e));
      return;
    }
    for (int r = 0; r < rows.length; r++) {
      answer(batch.get(r).job(), perRequest.get(r));
    }
  }

  private static void answer(Job job, List<Tensor> outputs) {
    try {
      job.succeeded(outputs);
    } catch (Throwable e) { // e.g. encoding a huge output ran out of memory
      job.failed(e);
    }
  }

  private List<Tensor> inModelOrder(List<Tensor> inputs) {
    if (inputs.size() == 1) {
      return inputs;
    }
    Map<String, Tensor> byName = new HashMap<>();
    inputs.forEach(t -> byName.put(t.name(), t));
    List<Tensor> ordered = new ArrayList<>(model.inputs().size());
    for (TensorSpec spec : model.inputs()) {
      Tensor t = byName.get(spec.name());
      if (t != null) {
        ordered.add(t);
      }
    }
    return ordered;
  }

  /** Refuses new work; queued jobs fail with {@link ModelNotLoadedException}. Runs in progress finish. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Thread waiting = waiter;
      if (waiting != null) {
        LockSupport.unpark(waiting);
      }
      failQueued();
      log.debug("queue of replica {} closed", model.replicaId());
    }
  }

  private void failQueued() {
    failQueued(new ModelNotLoadedException(model.replicaId()));
  }

  private void failQueued(Throwable failure) {
    for (Job job = queue.poll(); job != null; job = queue.poll()) {
      job.failed(failure);
    }
  }
}
