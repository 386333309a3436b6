package io.mmaas.bench;

import io.mmaas.agent.artifacts.ArtifactRef;
import io.mmaas.agent.hosts.HostLimits;
import io.mmaas.agent.hosts.HostSupervisor;
import io.mmaas.agent.hosts.Isolation;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.sync.DesiredReplica;
import io.mmaas.agent.sync.ReplicaHosts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A real model host process, started and loaded by the agent's own {@link HostSupervisor} (the code an agent runs),
 * serving on its own port: the "after isolation" side of case h. Reads the host process's CPU time from /proc.
 */
final class HostUnderTest implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  private final Context context = vertx.getOrCreateContext();
  private final HostSupervisor supervisor;

  HostUnderTest(Path dataDir, int inferThreads) throws Exception {
    supervisor = onContext(() -> Future.succeededFuture(new HostSupervisor(vertx,
        new HostSupervisor.Settings(Isolation.SHARED, "127.0.0.1", port -> "http://127.0.0.1:" + port, dataDir,
            256L << 20, inferThreads, 1024, Math.min(8, Runtime.getRuntime().availableProcessors()), 25_000,
            ExecutionProviderPreference.AUTO, inferThreads, 1L << 30, "", null),
        HostLimits.detect("bench", 0, 0), () -> java.util.List.of(AgentUnderTest.KEY), Clock.systemUTC())));
  }

  /** Loads {@code file} as {@code replicaId}; yields the port of the host serving it. */
  int load(String replicaId, Path file, RuntimeOptions options) throws Exception {
    DesiredReplica replica = new DesiredReplica(replicaId, replicaId, 1,
        new ArtifactRef("0".repeat(64), Files.size(file), "/unused", false), options);
    ReplicaHosts.Loaded loaded = onContext(() -> supervisor.load(replica, file, true));
    return URI.create(loaded.servingUrl()).getPort();
  }

  /** The host process's pid (one host: isolation SHARED). */
  long pid() throws Exception {
    return onContext(() -> Future.succeededFuture(supervisor.running().get(0).getLong("pid")));
  }

  /** CPU seconds the host process has used so far (user + system, from /proc/PID/stat). */
  double cpuSeconds() throws Exception {
    String[] fields = Files.readString(Path.of("/proc/" + pid() + "/stat")).replaceAll("^.*\\) ", "").split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime: clock ticks of 10 ms
  }

  /** The host process's resident memory in bytes (VmRSS). */
  long residentBytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for the host");
  }

  private <T> T onContext(Supplier<Future<T>> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> work.get().onComplete(r -> {
      if (r.succeeded()) {
        done.complete(r.result());
      } else {
        done.completeExceptionally(r.cause());
      }
    }));
    return done.get(120, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    onContext(supervisor::stop);
    vertx.close().await();
  }
}
