package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.auth.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records denied requests (authentication and authorization failures) without letting a flood drown the audit log:
 * the first denial of a kind (same actor or source, action, tenant) in a window is written at once; the rest are
 * counted and written as one summary event ({@code details.summarized = n}) when the window closes.
 */
public final class DenialAuditor {
  private static final Logger LOG = LoggerFactory.getLogger(DenialAuditor.class);
  private static final int MAX_KINDS = 10_000;

  private record Window(long startMillis, Caller caller, AuditRecord first, long[] suppressed) {
  }

  private final Pool pool;
  private final AuditWriter writer;
  private final Clock clock;
  private final long windowMillis;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public DenialAuditor(Pool pool, AuditWriter writer, Clock clock, long windowMillis) {
    this.pool = pool;
    this.writer = writer;
    this.clock = clock;
    this.windowMillis = windowMillis;
  }

  /** Records a denial; the returned future completes when (and if) an event was written now. */
  public Future<Void> record(Caller caller, AuditRecord denial) {
    long now = clock.millis();
    String kind = caller.actor().type() + "|" + caller.actor().id() + "|" + caller.actor().name() + "|"
        + caller.sourceIp() + "|" + denial.action() + "|" + denial.tenantId() + "|" + denial.outcome();
    Window existing = windows.get(kind);
    if (existing != null && now - existing.startMillis() < windowMillis) {
      synchronized (existing) {
        existing.suppressed()[0]++;
      }
      return Future.succeededFuture();
    }
    if ("anonymous".equals(caller.actor().type()) && !anonymousKindAllowed(caller.sourceIp(), now)) {
      // an anonymous caller picks the claimed name, so it could open a new kind per request: past the cap, all
      // its further kinds in this window fold into one, written once now and summarised at the window's end
      kind = "anonymous-overflow|" + caller.sourceIp();
      denial = AuditRecord.denied("audit.anonymous_overflow", null, "source", caller.sourceIp(),
          new JsonObject().put("reason", "more than " + ANONYMOUS_KINDS_PER_SOURCE + " kinds of anonymous denial "
              + "from this source in one window; the rest are only counted").put("firstAction", denial.action()));
      caller = caller.as(io.mmaas.controlplane.auth.Actor.anonymous(null));
      existing = windows.get(kind);
      if (existing != null && now - existing.startMillis() < windowMillis) {
        synchronized (existing) {
          existing.suppressed()[0]++;
        }
        return Future.succeededFuture();
      }
    }
    if (windows.size() >= MAX_KINDS) {
      flush();
    }
    windows.put(kind, new Window(now, caller, denial, new long[1]));
    return writer.appendAlone(pool, caller, denial).mapEmpty();
  }

  /** At most this many kinds of anonymous denial per source and window are written one by one. */
  static final int ANONYMOUS_KINDS_PER_SOURCE = 20;
  private final Map<String, long[]> anonymousKinds = new ConcurrentHashMap<>();

  /** Counts a new anonymous kind for this source in the current window; false once the source is over the cap. */
  private boolean anonymousKindAllowed(String source, long now) {
    if (anonymousKinds.size() >= MAX_KINDS) {
      anonymousKinds.values().removeIf(c -> now - c[0] >= windowMillis);
    }
    long[] counter = anonymousKinds.compute(String.valueOf(source), (k, c) ->
        c == null || now - c[0] >= windowMillis ? new long[] {now, 0} : c);
    synchronized (counter) {
      return ++counter[1] <= ANONYMOUS_KINDS_PER_SOURCE;
    }
  }

  /** Writes one summary per closed window that had suppressed denials. Called periodically. */
  public Future<Void> flush() {
    long now = clock.millis();
    List<Future<?>> writes = new ArrayList<>();
    anonymousKinds.values().removeIf(c -> now - c[0] >= windowMillis);
    for (Map.Entry<String, Window> e : windows.entrySet()) {
      Window w = e.getValue();
      boolean closed = now - w.startMillis() >= windowMillis;
      if (!closed && windows.size() < MAX_KINDS) {
        continue;
      }
      windows.remove(e.getKey(), w);
      long count;
      synchronized (w) {
        count = w.suppressed()[0];
      }
      if (count == 0) {
        continue;
      }
      AuditRecord f = w.first();
      JsonObject details = (f.details() == null ? new JsonObject() : f.details().copy())
          .put("summarized", count)
          .put("windowStart", Instant.ofEpochMilli(w.startMillis()).toString())
          .put("windowEnd", Instant.ofEpochMilli(now).toString());
      writes.add(writer.appendAlone(pool, w.caller(), new AuditRecord(f.action(), f.tenantId(), f.targetType(),
              f.targetId(), f.outcome(), details))
          .onFailure(x -> LOG.warn("could not write a denial summary: {}", x.getMessage())));
    }
    return Future.join(writes).mapEmpty();
  }
}
