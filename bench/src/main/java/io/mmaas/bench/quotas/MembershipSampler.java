package io.mmaas.bench.quotas;

import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Samples, every 250 ms, how many gateway replicas renewed their gateway_members row in the last three seconds (the
 * N each replica divides the rate by) and how late the stalest renewal is.
 */
final class MembershipSampler implements AutoCloseable {
  private final Map<Long, Integer> liveCounts = new TreeMap<>();
  private volatile double maxStalenessMs;
  private final Thread thread;

  MembershipSampler(TestDatabase db) {
    thread = new Thread(() -> sample(db), "membership-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample(TestDatabase db) {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      while (!Thread.currentThread().isInterrupted()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE last_seen > now() - interval '3 seconds'),"
            + " extract(epoch FROM now() - min(last_seen)) * 1000 FROM gateway_members")) {
          rs.next();
          synchronized (liveCounts) {
            liveCounts.merge((long) rs.getInt(1), 1, Integer::sum);
          }
          maxStalenessMs = Math.max(maxStalenessMs, rs.getDouble(2));
        }
        Thread.sleep(250);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.err.println("membership sampling stopped: " + e.getMessage());
    }
  }

  JsonObject toJson() {
    JsonObject counts = new JsonObject();
    synchronized (liveCounts) {
      liveCounts.forEach((n, times) -> counts.put("N=" + n, times));
    }
    return new JsonObject().put("samplesByLiveCount", counts)
        .put("maxRenewalAgeMs", Math.round(maxStalenessMs));
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join(2_000);
  }
}
