package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Walks events in chain order, one at a time (so neither the service nor the offline verifier holds the log in
 * memory), against the signed checkpoints. It names the first broken event: a gap in seq (deleted), a prev_hash that
 * does not match (deleted, reordered or inserted before it), a hash that does not match the content (edited or
 * forged), an event whose hash differs from a signed checkpoint (the chain was rewritten since the previous matching
 * checkpoint), or a log that ends before the newest checkpoint (the tail was cut). In the last two cases the
 * first event that cannot be trusted is the one after the last checkpoint that still matches: a cut tail may have
 * been followed by new events with the same seqs. A log may start after seq 1 when
 * older events were archived, as long as a trusted checkpoint anchors the event before its first.
 */
public final class ChainVerifier {
  private final TreeMap<Long, AuditCheckpoint> checkpoints = new TreeMap<>();
  private final List<String> checkpointProblems = new ArrayList<>();
  private long checked;
  private long lastSeq = -1;
  private String lastHash;
  private long anchoredSeq;
  private String idAfterAnchor;
  private JsonObject broken;

  /** {@code trusted}: the public keys whose signatures count; a checkpoint signed otherwise is reported. */
  public ChainVerifier(Collection<AuditCheckpoint> signed, Collection<AuditPublicKey> trusted) {
    Map<String, AuditPublicKey> keys = trusted.stream()
        .collect(Collectors.toMap(AuditPublicKey::keyId, Function.identity(), (a, b) -> a));
    for (AuditCheckpoint c : signed) {
      AuditPublicKey key = keys.get(c.keyId());
      if (key == null) {
        checkpointProblems.add("checkpoint at seq " + c.seq() + " is signed by an unknown key " + c.keyId());
      } else if (!key.verifies(c.signedText(), c.signature())) {
        checkpointProblems.add("checkpoint at seq " + c.seq() + " has an invalid signature (forged or edited)");
      } else {
        checkpoints.put(c.seq(), c);
      }
    }
  }

  /** Checks the next event; returns false once the chain is broken (later events are not looked at). */
  public boolean accept(AuditEvent e) {
    if (broken != null) {
      return false;
    }
    if (lastSeq < 0) {
      if (!start(e)) {
        return false;
      }
    } else if (e.seq() != lastSeq + 1) {
      return fail(e.seq() > lastSeq + 1 ? lastSeq + 1 : e.seq(), e.seq() > lastSeq + 1 ? null : e.id().toString(),
          e.seq() > lastSeq + 1 ? "event " + (lastSeq + 1) + (e.seq() - lastSeq > 2 ? " to " + (e.seq() - 1) : "")
              + " missing (deleted?): the next event present is seq " + e.seq()
              : "event seq " + e.seq() + " appears after seq " + lastSeq + " (reordered or duplicated)");
    } else if (!e.prevHash().equals(lastHash)) {
      return fail(e.seq(), e.id().toString(), "prev_hash does not match the hash of event " + lastSeq
          + " (an event was removed, reordered or inserted here)");
    }
    if (!AuditWriter.sha256(e.canonical()).equals(e.hash())) {
      return fail(e.seq(), e.id().toString(), "content does not match its hash (edited or forged)");
    }
    if (e.seq() == anchoredSeq + 1) {
      idAfterAnchor = e.id().toString();
    }
    AuditCheckpoint c = checkpoints.get(e.seq());
    if (c != null) {
      if (!c.hash().equals(e.hash())) {
        return fail(anchoredSeq + 1, idAfterAnchor, "the chain was rewritten between seq " + (anchoredSeq + 1) + " and "
            + e.seq() + ": event " + e.seq() + " no longer matches the checkpoint signed at " + c.createdAt());
      }
      anchoredSeq = e.seq();
    }
    lastSeq = e.seq();
    lastHash = e.hash();
    checked++;
    return true;
  }

  private boolean start(AuditEvent first) {
    if (first.seq() == 1) {
      if (!first.prevHash().equals(AuditWriter.GENESIS)) {
        return fail(1, first.id().toString(), "the first event does not start from the genesis hash");
      }
      return true;
    }
    AuditCheckpoint anchor = checkpoints.get(first.seq() - 1);
    if (anchor == null || !anchor.hash().equals(first.prevHash())) {
      return fail(first.seq(), first.id().toString(), "the log starts at seq " + first.seq()
          + " but no trusted checkpoint at seq " + (first.seq() - 1) + " anchors it (events before it missing?)");
    }
    anchoredSeq = anchor.seq();
    lastSeq = first.seq() - 1;
    lastHash = anchor.hash();
    return true;
  }

  private boolean fail(long seq, String id, String problem) {
    broken = new JsonObject().put("firstBrokenSeq", seq).put("firstBrokenId", id).put("problem", problem);
    return false;
  }

  /** The verdict once every event was offered. */
  public JsonObject result() {
    JsonObject out = new JsonObject().put("checked", checked).put("checkpoints", checkpoints.size());
    if (broken == null && !checkpoints.isEmpty() && checkpoints.lastKey() > Math.max(lastSeq, 0)) {
      AuditCheckpoint newest = checkpoints.lastEntry().getValue();
      fail(anchoredSeq + 1, lastSeq > anchoredSeq ? idAfterAnchor : null, "the log ends at seq " + Math.max(lastSeq, 0) + " but a checkpoint signed at "
          + newest.createdAt() + " covers events up to seq " + newest.seq() + ": the tail was cut (events after seq "
          + anchoredSeq + ", the last matching checkpoint, are removed or replaced)");
    }
    if (broken != null) {
      return out.put("valid", false).mergeIn(broken);
    }
    if (!checkpointProblems.isEmpty()) {
      return out.put("valid", false).put("problem", checkpointProblems.get(0)).put("checkpointProblems",
          checkpointProblems.size());
    }
    return out.put("valid", true).put("headSeq", Math.max(lastSeq, 0)).put("headHash", lastHash)
        .put("anchoredSeq", anchoredSeq).put("unanchoredEvents", Math.max(lastSeq, 0) - anchoredSeq);
  }
}
