package io.mmaas.agent.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.IntSupplier;

/**
 * The agent's metrics registry, written as Prometheus text (format 0.0.4) for {@code GET /metrics}. Model series
 * are labelled with the desired state's model name and version number.
 */
public final class AgentMetrics {
  /** The Content-Type of {@link #scrape()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final String executionProvider;
  private final IntSupplier pending;
  private final Map<String, ModelMetrics> models = new ConcurrentSkipListMap<>();

  /**
   * @param executionProvider "CUDA" or "CPU", published as an info metric
   * @param pending requests admitted and not yet answered
   */
  public AgentMetrics(String executionProvider, IntSupplier pending) {
    this.executionProvider = executionProvider;
    this.pending = pending;
  }

  /** The metrics of one model version, created on first use. */
  public ModelMetrics model(String model, String version) {
    String key = model + '\u0000' + version;
    ModelMetrics found = models.get(key);
    return found != null ? found : models.computeIfAbsent(key, k -> new ModelMetrics(model, version));
  }

  /** The exposition text. */
  public String scrape() {
    StringBuilder out = new StringBuilder(4096);
    out.append("# HELP mmaas_agent_info The runtime agent and its execution provider.\n")
        .append("# TYPE mmaas_agent_info gauge\n")
        .append("mmaas_agent_info{execution_provider=\"").append(ModelMetrics.escape(executionProvider))
        .append("\"} 1\n");
    out.append("# HELP mmaas_agent_pending_requests Inference requests admitted and not yet answered.\n")
        .append("# TYPE mmaas_agent_pending_requests gauge\n")
        .append("mmaas_agent_pending_requests ").append(pending.getAsInt()).append('\n');
    section(out, "mmaas_agent_requests_total", "counter", "Inference requests by HTTP status.");
    models.values().forEach(m -> m.writeRequests(out));
    section(out, "mmaas_agent_request_errors_total", "counter", "Inference requests answered with a 4xx or 5xx.");
    models.values().forEach(m -> m.writeErrors(out));
    section(out, "mmaas_agent_request_duration_seconds", "histogram",
        "Time from admission to the encoded response, on the agent.");
    models.values().forEach(m -> m.writeLatency(out));
    section(out, "mmaas_agent_queue_duration_seconds", "histogram", "Time from admission to the start of the run.");
    models.values().forEach(m -> m.writeQueue(out));
    section(out, "mmaas_agent_batch_size", "histogram", "Requests served by one run.");
    models.values().forEach(m -> m.writeBatch(out));
    return out.toString();
  }

  private static void section(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
