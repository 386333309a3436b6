package io.mmaas.controlplane.audit;

import static io.mmaas.controlplane.audit.AuditTesting.head;
import static io.mmaas.controlplane.audit.AuditTesting.offlineVerdict;
import static io.mmaas.controlplane.audit.AuditTesting.tamper;
import static io.mmaas.controlplane.audit.AuditTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tampering as the database superuser (triggers off): each kind of change is found by the verify endpoint and by the
 * offline verifier on an export, and both name the same first broken event. Each test gets a fresh control plane;
 * checkpoints are taken by the test (with the control plane's own key) so their seqs are known.
 */
@DisplayName("Audit tampering is detected by the verify endpoint and the offline verifier")
class AuditTamperTest {
  ControlPlaneFixture cp;
  String admin;
  Pool pool;
  CheckpointJob checkpoints;

  @BeforeEach
  void start() throws Exception {
    cp = ControlPlaneFixture.start(Map.of("MMAAS_AUDIT_CHECKPOINT_INTERVAL_MS", "86400000"));
    admin = cp.adminToken();
    pool = AuditTesting.pool(cp);
    checkpoints = new CheckpointJob(pool, cp.verticle.leader(), new CheckpointRepository(),
        AuditSigningKey.load(null, cp.dataDir), Clock.systemUTC());
    tenants("t", 6);
  }

  @AfterEach
  void stop() {
    cp.close();
  }

  private void tenants(String prefix, int n) {
    for (int i = 0; i < n; i++) {
      cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", prefix + "-" + i + "-" + System.nanoTime() % 100000));
    }
  }

  private long checkpoint() {
    AuditCheckpoint c = checkpoints.tick().await();
    assertThat(c).as("a checkpoint was taken").isNotNull();
    return c.seq();
  }

  private String idAt(long seq) {
    return text(cp, "SELECT id::text FROM audit_events WHERE seq = " + seq);
  }

  /** Both verifiers agree that the chain is broken at {@code seq}; returns the endpoint's verdict. */
  private JsonObject assertBrokenAt(long seq) throws Exception {
    JsonObject offline = offlineVerdict(cp, admin);
    JsonObject online = cp.get(admin, "/api/v1/audit-events/verify");
    assertThat(online.getBoolean("valid")).as("endpoint: %s", online).isFalse();
    assertThat(online.getLong("firstBrokenSeq")).as("endpoint: %s", online).isEqualTo(seq);
    assertThat(offline.getBoolean("valid")).as("offline: %s", offline).isFalse();
    assertThat(offline.getLong("firstBrokenSeq")).as("offline: %s", offline).isEqualTo(seq);
    return online;
  }

  @Test
  @DisplayName("an untouched log verifies online and offline, anchored by a signed checkpoint")
  void untouched() throws Exception {
    long cpSeq = checkpoint();
    JsonObject offline = offlineVerdict(cp, admin);
    assertThat(offline.getBoolean("valid")).as("%s", offline).isTrue();
    assertThat(offline.getLong("anchoredSeq")).isEqualTo(cpSeq);
    JsonObject online = cp.get(admin, "/api/v1/audit-events/verify");
    assertThat(online.getBoolean("valid")).as("%s", online).isTrue();
    assertThat(online.getInteger("checkpoints")).isEqualTo(1);
  }

  @Test
  @DisplayName("an edited field names the edited event")
  void editedField() throws Exception {
    checkpoint();
    String id = idAt(4);
    tamper(cp, "UPDATE audit_events SET outcome = 'failure' WHERE seq = 4");
    assertThat(assertBrokenAt(4).getString("firstBrokenId")).isEqualTo(id);
  }

  @Test
  @DisplayName("a deleted row names the missing event")
  void deletedRow() throws Exception {
    checkpoint();
    tamper(cp, "DELETE FROM audit_events WHERE seq = 3");
    assertThat(assertBrokenAt(3).getString("problem")).contains("missing");
  }

  @Test
  @DisplayName("two swapped rows name the first of them")
  void swappedRows() throws Exception {
    checkpoint();
    tamper(cp, "UPDATE audit_events SET seq = -3 WHERE seq = 3", "UPDATE audit_events SET seq = 3 WHERE seq = 4",
        "UPDATE audit_events SET seq = 4 WHERE seq = -3");
    assertBrokenAt(3);
  }

  @Test
  @DisplayName("a forged row appended with a made-up hash names the forged event")
  void forgedRowAppended() throws Exception {
    long forged = head(cp) + 1;
    tamper(cp, "INSERT INTO audit_events SELECT " + forged + ", gen_random_uuid(), occurred_at, actor_type, actor_id,"
        + " actor_name, tenant_id, 'tenant.delete', target_type, target_id, outcome, source_ip, user_agent, request_id,"
        + " details, hash, encode(sha256('forged'), 'hex') FROM audit_events WHERE seq = " + (forged - 1));
    assertBrokenAt(forged);
  }

  @Test
  @DisplayName("a forged row whose chain was recomputed after it is caught by the signed checkpoint")
  void forgedRowWithRecomputedChain() throws Exception {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "victim"));
    long anchor = checkpoint();
    tenants("u", 3);
    checkpoint();
    // the attacker replaces event anchor+1 and recomputes every hash after it, so the chain itself is consistent
    AuditRepository repo = new AuditRepository(pool);
    List<AuditEvent> events = repo.run(anchor, 10_000).await();
    List<String> updates = new ArrayList<>();
    String prev = text(cp, "SELECT hash FROM audit_events WHERE seq = " + anchor);
    for (AuditEvent e : events) {
      String actor = e.seq() == anchor + 1 ? "mallory" : e.actorName();
      AuditEvent rewritten = AuditWriter.withHash(new AuditEvent(e.seq(), e.id(), e.occurredAt(), e.actorType(),
          e.actorId(), actor, e.tenantId(), e.action(), e.targetType(), e.targetId(), e.outcome(), e.sourceIp(),
          e.userAgent(), e.requestId(), e.details(), prev, null));
      updates.add("UPDATE audit_events SET actor_name = '" + actor + "', prev_hash = '" + prev + "', hash = '"
          + rewritten.hash() + "' WHERE seq = " + e.seq());
      prev = rewritten.hash();
    }
    tamper(cp, updates.toArray(String[]::new));
    JsonObject verdict = assertBrokenAt(anchor + 1);
    assertThat(verdict.getString("problem")).contains("rewritten");
  }

  @Test
  @DisplayName("a cut tail is caught by the newest checkpoint and names the first event after the last good one")
  void tailCut() throws Exception {
    long cut = checkpoint();
    tenants("v", 5);
    long newest = checkpoint();
    assertThat(newest).isGreaterThan(cut + 4);
    tamper(cp, "DELETE FROM audit_events WHERE seq > " + cut);
    assertThat(assertBrokenAt(cut + 1).getString("problem")).contains("tail was cut");
  }

  @Test
  @DisplayName("a checkpoint signed with another key is reported, and the one-replica lock and unmoved head skip ticks")
  void checkpointRules() throws Exception {
    checkpoint();
    assertThat(checkpoints.tick().await()).as("head did not move").isNull();
    tenants("w", 1);
    try (var c = cp.db.connect(); var s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SELECT pg_advisory_xact_lock(" + CheckpointJob.LOCK + ")");
      assertThat(checkpoints.tick().await()).as("another replica holds the lock").isNull();
      c.rollback();
    }
    CheckpointJob rogue = new CheckpointJob(pool, cp.verticle.leader(), new CheckpointRepository(),
        AuditSigningKey.generate(), Clock.systemUTC());
    assertThat(rogue.tick().await()).isNotNull();
    JsonObject online = cp.get(admin, "/api/v1/audit-events/verify");
    assertThat(online.getBoolean("valid")).isFalse();
    assertThat(online.getString("problem")).contains("unknown key");
  }
}
