package io.mmaas.bench.audit;

import io.mmaas.controlplane.audit.AuditEvent;
import io.mmaas.controlplane.audit.AuditWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A deterministic stream of plausible audit events forming a valid hash chain, exactly as {@link AuditWriter} builds
 * it: hash = sha256({@link AuditEvent#canonical()}) over every field and the previous hash, time never decreasing.
 * Tenants are skewed (a few large ones), actions weighted like a busy platform, denials on the gateway actions.
 */
final class SyntheticEvents {
  /** Action and weight (per 1000); the gateway ones are denials, sign-ins fail now and then. */
  static final String[][] ACTIONS = {
      {"gateway.throttled", "150"}, {"gateway.denied", "50"}, {"auth.login", "200"}, {"auth.logout", "100"},
      {"version.upload", "80"}, {"model.create", "60"}, {"deployment.create", "50"}, {"deployment.update", "60"},
      {"deployment.rollout", "30"}, {"alias.set", "40"}, {"key.create", "50"}, {"key.rotate", "20"},
      {"key.revoke", "10"}, {"user.create", "30"}, {"audit.list", "35"}, {"quota.update", "4"},
      {"tenant.create", "1"}};
  static final int TENANTS = 50;

  private final Random random = new Random(42);
  private final List<UUID> tenants = new ArrayList<>();
  private final String[] actionTable = new String[1000];
  private final Instant start;
  private final long stepMicros;
  private long seq;
  private String prevHash = AuditWriter.GENESIS;

  /** {@code count} events spread evenly over {@code span}, ending at {@code end}. */
  SyntheticEvents(long count, Instant end, Duration span) {
    for (int i = 0; i < TENANTS; i++) {
      tenants.add(new UUID(random.nextLong(), random.nextLong()));
    }
    int at = 0;
    for (String[] a : ACTIONS) {
      for (int i = 0; i < Integer.parseInt(a[1]); i++) {
        actionTable[at++] = a[0];
      }
    }
    while (at < 1000) {
      actionTable[at++] = "auth.login";
    }
    this.start = end.minus(span).truncatedTo(ChronoUnit.MICROS);
    this.stepMicros = Math.max(1, span.toNanos() / 1000 / Math.max(1, count));
  }

  List<UUID> tenants() {
    return tenants;
  }

  Instant start() {
    return start;
  }

  /** The next event of the chain. */
  AuditEvent next() {
    seq++;
    double r = random.nextDouble();
    UUID tenant = r < 0.05 ? null : tenants.get((int) (TENANTS * r * r) % TENANTS);
    String action = actionTable[random.nextInt(1000)];
    boolean gateway = action.startsWith("gateway.");
    String outcome = gateway ? "denied"
        : action.equals("auth.login") && random.nextInt(10) == 0 ? "failure"
        : random.nextInt(200) == 0 ? "failure" : "success";
    int actor = random.nextInt(20);
    String actorType = gateway ? "api_key" : tenant == null ? "system" : "user";
    String actorId = (gateway ? "k-" : "u-") + (tenant == null ? "platform" : tenant.toString().substring(0, 8))
        + "-" + actor;
    String targetType = action.substring(0, action.indexOf('.'));
    String targetId = targetType + "-" + random.nextInt(500);
    String details = "{\"after\":{\"n\":" + random.nextInt(1000) + "},\"requestSize\":" + random.nextInt(5000) + "}";
    Instant at = start.plus(seq * stepMicros, ChronoUnit.MICROS);
    AuditEvent unsigned = new AuditEvent(seq, new UUID(random.nextLong(), random.nextLong()), at, actorType, actorId,
        actorType + " " + actor, tenant, action, targetType, targetId, outcome,
        "10.0." + random.nextInt(256) + "." + random.nextInt(256), "bench-client/1.0",
        Long.toHexString(random.nextLong()), details, prevHash, null);
    String hash = AuditWriter.sha256(unsigned.canonical());
    prevHash = hash;
    return new AuditEvent(unsigned.seq(), unsigned.id(), unsigned.occurredAt(), unsigned.actorType(),
        unsigned.actorId(), unsigned.actorName(), unsigned.tenantId(), unsigned.action(), unsigned.targetType(),
        unsigned.targetId(), unsigned.outcome(), unsigned.sourceIp(), unsigned.userAgent(), unsigned.requestId(),
        unsigned.details(), unsigned.prevHash(), hash);
  }
}
