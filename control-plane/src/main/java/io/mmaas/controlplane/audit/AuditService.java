package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Reading and verifying the audit log. Platform admins and platform auditors see everything; a tenant-scoped caller
 * sees only its tenant's events (the policy narrows the filter, it is never widened by the caller).
 */
public final class AuditService {
  private static final int VERIFY_BATCH = 5_000;

  private final AuditRepository repository;
  private final AccessPolicy policy;

  public AuditService(AuditRepository repository, AccessPolicy policy) {
    this.repository = repository;
    this.policy = policy;
  }

  public Future<List<AuditEvent>> page(Caller caller, AuditRepository.Filter filter, int limit) {
    AuditRepository.Filter scoped = policy.scopeAuditFilter(caller, filter);
    return repository.page(scoped, limit);
  }

  /** Walks the whole chain in order; the result names the first broken event, if any. */
  public Future<JsonObject> verify(Caller caller) {
    policy.requirePlatformAuditRead(caller);
    return verifyFrom(0, AuditWriter.GENESIS, 0);
  }

  private Future<JsonObject> verifyFrom(long afterSeq, String prevHash, long checked) {
    return repository.run(afterSeq, VERIFY_BATCH).compose(events -> {
      String prev = prevHash;
      long expectedSeq = afterSeq + 1;
      long count = checked;
      for (AuditEvent e : events) {
        String problem = null;
        if (e.seq() != expectedSeq) {
          problem = "event(s) before seq " + e.seq() + " are missing (expected seq " + expectedSeq + ")";
        } else if (!e.prevHash().equals(prev)) {
          problem = "prev_hash does not match the previous event's hash";
        } else if (!AuditWriter.sha256(e.canonical()).equals(e.hash())) {
          problem = "content does not match its hash (edited or forged)";
        }
        if (problem != null) {
          return Future.succeededFuture(new JsonObject().put("valid", false).put("checked", count)
              .put("firstBrokenSeq", e.seq()).put("firstBrokenId", e.id().toString()).put("problem", problem));
        }
        prev = e.hash();
        expectedSeq++;
        count++;
      }
      if (events.size() < VERIFY_BATCH) {
        return Future.succeededFuture(new JsonObject().put("valid", true).put("checked", count).put("headHash", prev));
      }
      return verifyFrom(expectedSeq - 1, prev, count);
    });
  }
}
