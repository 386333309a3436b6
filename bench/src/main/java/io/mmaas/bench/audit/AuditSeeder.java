package io.mmaas.bench.audit;

import io.mmaas.controlplane.audit.AuditCheckpoint;
import io.mmaas.controlplane.audit.AuditEvent;
import io.mmaas.controlplane.audit.AuditSigningKey;
import io.mmaas.controlplane.testing.TestDatabase;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Fills audit_events of a fresh database with a valid chain: the secondary indexes are dropped, events are generated
 * (and hashed) on one thread while another COPYs them in batches, the indexes are rebuilt from their saved
 * definitions, and signed checkpoints are stored every {@code checkpointEvery} events with the control plane's key.
 */
final class AuditSeeder {
  private static final int BATCH = 50_000;
  private static final String COLUMNS = "seq, id, occurred_at, actor_type, actor_id, actor_name, tenant_id, action, "
      + "target_type, target_id, outcome, source_ip, user_agent, request_id, details, prev_hash, hash";

  /** How long each step took, in seconds. */
  record Timing(double generateAndCopy, double indexes, double total) {
  }

  private AuditSeeder() {
  }

  static Timing seed(TestDatabase db, SyntheticEvents events, long count, long checkpointEvery, AuditSigningKey key)
      throws Exception {
    long t0 = System.nanoTime();
    Map<Long, AuditEvent> anchors = new LinkedHashMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("SET synchronous_commit = off");
      Map<String, String> indexes = secondaryIndexes(c);
      for (String name : indexes.keySet()) {
        s.execute("DROP INDEX " + name);
      }
      copy(c, events, count, checkpointEvery, anchors);
      long t1 = System.nanoTime();
      s.execute("SET maintenance_work_mem = '512MB'");
      for (String def : indexes.values()) {
        s.execute(def);
      }
      s.execute("ANALYZE audit_events");
      insertCheckpoints(c, anchors.values(), key);
      long t2 = System.nanoTime();
      return new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9);
    }
  }

  private static Map<String, String> secondaryIndexes(Connection c) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT indexname, indexdef FROM pg_indexes "
        + "WHERE tablename = 'audit_events' AND indexname NOT IN "
        + "(SELECT conname FROM pg_constraint WHERE conrelid = 'audit_events'::regclass)")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  /** Generates on a second thread, COPYs on this one; an empty batch ends the stream. */
  private static void copy(Connection c, SyntheticEvents events, long count, long checkpointEvery,
                           Map<Long, AuditEvent> anchors) throws Exception {
    BlockingQueue<StringBuilder> batches = new ArrayBlockingQueue<>(4);
    Exception[] failure = {null};
    Thread producer = new Thread(() -> {
      try {
        StringBuilder b = new StringBuilder(BATCH * 520);
        for (long i = 1; i <= count; i++) {
          AuditEvent e = events.next();
          row(b, e);
          if (e.seq() % checkpointEvery == 0 || i == count) {
            anchors.put(e.seq(), e);
          }
          if (i % BATCH == 0 || i == count) {
            batches.put(b);
            b = new StringBuilder(BATCH * 520);
          }
        }
        batches.put(new StringBuilder());
      } catch (Exception e) {
        failure[0] = e;
        batches.offer(new StringBuilder());
      }
    }, "audit-generator");
    producer.start();
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    long copied = 0;
    for (StringBuilder b = batches.take(); b.length() > 0; b = batches.take()) {
      copy.copyIn("COPY audit_events (" + COLUMNS + ") FROM STDIN", new StringReader(b.toString()));
      copied += BATCH;
      if (copied % 500_000 == 0) {
        System.out.printf("  seeded %,d events%n", copied);
      }
    }
    producer.join();
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private static void row(StringBuilder b, AuditEvent e) {
    Object[] cells = {e.seq(), e.id(), e.occurredAt(), e.actorType(), e.actorId(), e.actorName(), e.tenantId(),
        e.action(), e.targetType(), e.targetId(), e.outcome(), e.sourceIp(), e.userAgent(), e.requestId(),
        e.details(), e.prevHash(), e.hash()};
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        b.append('\t');
      }
      if (cells[i] == null) {
        b.append("\\N");
      } else {
        escape(b, cells[i].toString());
      }
    }
    b.append('\n');
  }

  /** COPY text format: backslash, tab, newline and carriage return are escaped. */
  private static void escape(StringBuilder b, String v) {
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(ch);
      }
    }
  }

  private static void insertCheckpoints(Connection c, Iterable<AuditEvent> anchors, AuditSigningKey key)
      throws Exception {
    List<AuditCheckpoint> signed = new ArrayList<>();
    for (AuditEvent e : anchors) {
      Instant at = e.occurredAt().plusSeconds(60);
      String text = new AuditCheckpoint(e.seq(), e.hash(), at, null, null).signedText();
      signed.add(new AuditCheckpoint(e.seq(), e.hash(), at, key.publicKey().keyId(), key.sign(text)));
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO audit_checkpoints (seq, hash, created_at, key_id, signature) VALUES (?, ?, ?, ?, ?)")) {
      for (AuditCheckpoint cp : signed) {
        ps.setLong(1, cp.seq());
        ps.setString(2, cp.hash());
        ps.setObject(3, cp.createdAt().atOffset(ZoneOffset.UTC));
        ps.setString(4, cp.keyId());
        ps.setString(5, cp.signature());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
