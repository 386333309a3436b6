package io.mmaas.agent.metrics;

import io.mmaas.agent.batching.BatchObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/** The serving metrics of one model version. Thread-safe. */
public final class ModelMetrics implements BatchObserver {
  private static final double[] SECONDS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };
  private static final double[] BATCH = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final String labels;
  private final Map<Integer, LongAdder> byStatus = new ConcurrentSkipListMap<>();
  private final Histogram latency = new Histogram(SECONDS);
  private final Histogram queue = new Histogram(SECONDS);
  private final Histogram batch = new Histogram(BATCH);

  ModelMetrics(String model, String version) {
    this.labels = "model=\"" + escape(model) + "\",version=\"" + escape(version) + "\"";
  }

  /** A request finished with {@code status} after {@code nanos} on the agent. */
  public void request(int status, long nanos) {
    LongAdder count = byStatus.get(status);
    if (count == null) {
      count = byStatus.computeIfAbsent(status, s -> new LongAdder());
    }
    count.increment();
    latency.record(nanos / 1e9);
  }

  @Override
  public void queued(long nanos) {
    queue.record(Math.max(0, nanos) / 1e9);
  }

  @Override
  public void batched(int requests) {
    batch.record(requests);
  }

  /** Runs counted so far, for tests and the benchmark report. */
  public long batches() {
    return batch.count();
  }

  /** Requests answered so far (any status), for tests and the benchmark report. */
  public long requests() {
    return latency.count();
  }

  void writeRequests(StringBuilder out) {
    byStatus.forEach((status, count) -> out.append("mmaas_agent_requests_total{").append(labels)
        .append(",code=\"").append(status).append("\"} ").append(count.sum()).append('\n'));
  }

  void writeErrors(StringBuilder out) {
    long errors = byStatus.entrySet().stream().filter(e -> e.getKey() >= 400).mapToLong(e -> e.getValue().sum()).sum();
    out.append("mmaas_agent_request_errors_total{").append(labels).append("} ").append(errors).append('\n');
  }

  void writeLatency(StringBuilder out) {
    latency.write(out, "mmaas_agent_request_duration_seconds", labels);
  }

  void writeQueue(StringBuilder out) {
    queue.write(out, "mmaas_agent_queue_duration_seconds", labels);
  }

  void writeBatch(StringBuilder out) {
    batch.write(out, "mmaas_agent_batch_size", labels);
  }

  public static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
