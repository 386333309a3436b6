package io.mmaas.controlplane.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What an operator watches on one gateway replica, in the Prometheus text format (version 0.0.4): answers by status
 * code, inference latency end to end and at the agent, refusals by the limit that refused, agent failures by kind,
 * and gauges read at scrape time (requests in flight, live gateway replicas, cached keys, routes, usage rows waiting
 * for the next flush). Recording is lock-free (adders), so the hot path pays a few atomic adds per request. No label
 * holds a tenant, key or model: those are in the usage API, and the series count stays fixed however many tenants
 * there are.
 */
public final class GatewayMetrics {
  /** Latency buckets, seconds: from half a millisecond (a tiny model next door) to the longest timeout. */
  private static final double[] SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
      5, 10, 30, 60};

  /** Why the limiter refused (the {@code reason} label of {@code mmaas_gateway_throttled_total}). */
  public enum Refusal { TENANT_RATE, TENANT_CONCURRENCY, KEY_RATE, KEY_CONCURRENCY, DAILY_QUOTA }

  /** What went wrong calling an agent (the {@code kind} label of {@code mmaas_gateway_agent_errors_total}). */
  /**
   * Why a call to a replica failed: not reached (refused, reset before the request was sent), no answer in time, the
   * replica not (or no longer) there, the connection lost after the whole request was sent but before any answer (the
   * model host died running it), or lost in the middle of the answer.
   */
  public enum AgentError { UNREACHABLE, TIMEOUT, REPLICA_UNAVAILABLE, LOST_WHILE_RUNNING, FAILED_MID_ANSWER }

  /** By status code (100–599), created on first use: no boxing or map lookup per request. */
  private final AtomicReferenceArray<LongAdder> responses = new AtomicReferenceArray<>(600);
  private final Map<Refusal, LongAdder> refusals = counters(Refusal.class);
  private final Map<AgentError, LongAdder> agentErrors = counters(AgentError.class);
  private final Histogram inferSeconds = new Histogram();
  private final Histogram upstreamSeconds = new Histogram();
  private final LongAdder usageFlushFailures = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final List<Gauge> gauges = new CopyOnWriteArrayList<>();

  private record Gauge(String name, String help, LongSupplier value, String type) {}

  /** One answered gateway request (any route, any outcome); {@code inference} adds it to the latency histogram. */
  public void answered(int status, boolean inference, long nanos) {
    int code = status >= 100 && status < 600 ? status : 500;
    LongAdder n = responses.get(code);
    if (n == null) {
      responses.compareAndSet(code, null, new LongAdder());
      n = responses.get(code);
    }
    n.increment();
    if (inference) {
      inferSeconds.record(nanos / 1e9);
    }
  }

  /** The time from sending a request to an agent to its answer's status line. */
  public void upstream(long nanos) {
    upstreamSeconds.record(nanos / 1e9);
  }

  public void refused(Refusal why) {
    refusals.get(why).increment();
  }

  public void agentError(AgentError kind) {
    agentErrors.get(kind).increment();
  }

  /** A caller left while its request was at an agent; the call was cancelled. */
  public void cancelled() {
    cancelled.increment();
  }

  public void usageFlushFailed() {
    usageFlushFailures.increment();
  }

  /** A value read at each scrape, e.g. requests in flight; registered once at start. */
  public GatewayMetrics gauge(String name, String help, LongSupplier value) {
    gauges.add(new Gauge(name, help, value, "gauge"));
    return this;
  }

  /** A count kept elsewhere that only grows (e.g. fenced leader writes), read at each scrape; name it {@code _total}. */
  public GatewayMetrics counter(String name, String help, LongSupplier value) {
    gauges.add(new Gauge(name, help, value, "counter"));
    return this;
  }

  /** The exposition text. */
  public String scrape() {
    StringBuilder out = new StringBuilder(4096);
    header(out, "mmaas_gateway_requests_total", "counter", "Gateway answers by HTTP status code.");
    for (int code = 100; code < 600; code++) {
      LongAdder n = responses.get(code);
      if (n != null) {
        out.append("mmaas_gateway_requests_total{code=\"").append(code).append("\"} ").append(n.sum()).append('\n');
      }
    }
    header(out, "mmaas_gateway_infer_duration_seconds", "histogram",
        "POST (inference) requests, from their arrival to the last byte of the answer, refusals included.");
    inferSeconds.write(out, "mmaas_gateway_infer_duration_seconds");
    header(out, "mmaas_gateway_upstream_duration_seconds", "histogram",
        "From sending a request to an agent to the status line of its answer.");
    upstreamSeconds.write(out, "mmaas_gateway_upstream_duration_seconds");
    header(out, "mmaas_gateway_throttled_total", "counter", "Requests refused with 429, by the limit that refused.");
    refusals.forEach((why, n) -> out.append("mmaas_gateway_throttled_total{reason=\"")
        .append(why.name().toLowerCase(java.util.Locale.ROOT)).append("\"} ").append(n.sum()).append('\n'));
    header(out, "mmaas_gateway_agent_errors_total", "counter",
        "Calls to agents that did not give an answer: unreachable (next replica tried), timeout (504), replica "
            + "unavailable (503 or 404 from the agent; next replica tried), failed mid-answer (connection closed).");
    agentErrors.forEach((kind, n) -> out.append("mmaas_gateway_agent_errors_total{kind=\"")
        .append(kind.name().toLowerCase(java.util.Locale.ROOT)).append("\"} ").append(n.sum()).append('\n'));
    header(out, "mmaas_gateway_cancelled_total", "counter",
        "Calls to agents cancelled because the caller closed its connection before the answer.");
    out.append("mmaas_gateway_cancelled_total ").append(cancelled.sum()).append('\n');
    header(out, "mmaas_usage_flush_failures_total", "counter",
        "Usage flushes that failed (the counts are kept for the next one).");
    out.append("mmaas_usage_flush_failures_total ").append(usageFlushFailures.sum()).append('\n');
    for (Gauge gauge : gauges) {
      header(out, gauge.name(), gauge.type(), gauge.help());
      out.append(gauge.name()).append(' ').append(gauge.value().getAsLong()).append('\n');
    }
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static <E extends Enum<E>> Map<E, LongAdder> counters(Class<E> type) {
    Map<E, LongAdder> map = new java.util.EnumMap<>(type);
    for (E e : type.getEnumConstants()) {
      map.put(e, new LongAdder());
    }
    return map;
  }

  /** Cumulative buckets over {@link #SECONDS}. */
  private static final class Histogram {
    private final LongAdder[] buckets = new LongAdder[SECONDS.length];
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void record(double seconds) {
      for (int i = 0; i < SECONDS.length; i++) {
        if (seconds <= SECONDS[i]) {
          buckets[i].increment();
          break;
        }
      }
      count.increment();
      sum.add(seconds);
    }

    void write(StringBuilder out, String name) {
      long cumulative = 0;
      for (int i = 0; i < SECONDS.length; i++) {
        cumulative += buckets[i].sum();
        out.append(name).append("_bucket{le=\"").append(SECONDS[i]).append("\"} ").append(cumulative).append('\n');
      }
      long total = Math.max(count.sum(), cumulative);
      out.append(name).append("_bucket{le=\"+Inf\"} ").append(total).append('\n')
          .append(name).append("_sum ").append(sum.sum()).append('\n')
          .append(name).append("_count ").append(total).append('\n');
    }
  }
}
