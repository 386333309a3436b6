package io.mmaas.bench;

import io.mmaas.bench.audit.AuditBench;
import io.mmaas.bench.conformance.ConformanceBench;
import io.mmaas.bench.quotas.QuotasBench;
import java.util.Arrays;

/**
 * {@code java -jar bench-app.jar agent|quotas|audit|conformance [options]}: runs one benchmark and writes its results to
 * bench/results (see bench/README.md for each benchmark's options).
 */
public final class BenchMain {
  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (command) {
      case "agent" -> AgentBench.main(rest);
      case "quotas" -> QuotasBench.main(rest);
      case "audit" -> AuditBench.main(rest);
      case "conformance" -> ConformanceBench.main(rest);
      case "denials" -> io.mmaas.bench.audit.DenialFloodBench.main(rest);
      case "blobs" -> io.mmaas.bench.blobs.BlobStoreBench.main(rest);
      default -> {
        System.err.println("usage: java -jar bench-app.jar agent|quotas|audit|conformance|denials|blobs [options]   (see bench/README.md)");
        System.exit(2);
      }
    }
    System.exit(0);
  }
}
