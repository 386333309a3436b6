package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies an export away from the system, with nothing but the files and the public key(s) kept by the auditor:
 * <pre>
 * java -cp control-plane/target/control-plane-app.jar io.mmaas.controlplane.audit.OfflineVerifier \
 *     audit-events.jsonl audit-checkpoints.jsonl public-key.pem [more public keys…]
 * </pre>
 * The events file is a JSON Lines export in chain order (all events, or all after a checkpoint's seq). Prints the
 * verdict as JSON and exits 0 when the chain holds, 1 when it is broken (naming the first broken event), 2 on bad
 * input. Events are read one line at a time.
 */
public final class OfflineVerifier {
  private OfflineVerifier() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** The command without {@code System.exit}, for tests. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 3) {
      err.println("usage: OfflineVerifier <events.jsonl> <checkpoints.jsonl> <public-key> [public-key…]");
      return 2;
    }
    try {
      JsonObject result = verify(Path.of(args[0]), Path.of(args[1]),
          java.util.Arrays.stream(args, 2, args.length).map(Path::of).toList());
      out.println(result.encodePrettily());
      return result.getBoolean("valid") ? 0 : 1;
    } catch (IOException | RuntimeException e) {
      err.println("cannot verify: " + e.getMessage());
      return 2;
    }
  }

  public static JsonObject verify(Path events, Path checkpointFile, List<Path> keyFiles) throws IOException {
    List<AuditPublicKey> keys = new ArrayList<>();
    for (Path k : keyFiles) {
      keys.add(AuditPublicKey.parse(Files.readString(k, StandardCharsets.US_ASCII)));
    }
    List<AuditCheckpoint> checkpoints = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(checkpointFile, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          checkpoints.add(AuditCheckpoint.fromJson(new JsonObject(line)));
        }
      }
    }
    ChainVerifier verifier = new ChainVerifier(checkpoints, keys);
    try (BufferedReader r = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
      long lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        AuditEvent e;
        try {
          e = AuditEvent.fromExportJson(new JsonObject(line));
        } catch (RuntimeException bad) {
          throw new IllegalArgumentException("line " + lineNo + " of " + events + " is not an exported event", bad);
        }
        if (!verifier.accept(e)) {
          break;
        }
      }
    }
    return verifier.result();
  }
}
