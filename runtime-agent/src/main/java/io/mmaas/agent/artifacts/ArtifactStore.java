package io.mmaas.agent.artifacts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cache of verified artifacts, named {@code <sha256>.onnx}. A file is handed out only after its hash and
 * size were checked in this process: a freshly downloaded one while it streamed in, a cached one from an earlier
 * run by hashing it once on first use. Concurrent requests for the same hash share one fetch.
 *
 * <p>Use from one Vert.x context (the agent's); the blocking parts run on worker threads.
 */
public final class ArtifactStore {
  private static final Logger log = LoggerFactory.getLogger(ArtifactStore.class);

  private final Vertx vertx;
  private final Path directory;
  private final ArtifactDownloader downloader;
  private final Set<String> verified = new HashSet<>();
  private final Map<String, Future<Path>> inFlight = new HashMap<>();

  public ArtifactStore(Vertx vertx, Path directory, ArtifactDownloader downloader) {
    this.vertx = vertx;
    this.directory = directory;
    this.downloader = downloader;
  }

  /** Creates the directory and removes {@code .partial} files left by an interrupted run. */
  public Future<Void> init() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(directory);
      try (Stream<Path> files = Files.list(directory)) {
        for (Path partial : files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList()) {
          Files.deleteIfExists(partial);
          log.info("removed interrupted download {}", partial.getFileName());
        }
      }
      return null;
    });
  }

  /** Path of the verified artifact, downloading it when it is not cached or the cached copy is bad. */
  public Future<Path> fetch(ArtifactRef ref) {
    Future<Path> running = inFlight.get(ref.sha256());
    if (running != null) {
      return running;
    }
    Path file = directory.resolve(ref.sha256() + ".onnx");
    Future<Path> result = verified.contains(ref.sha256())
        ? vertx.fileSystem().exists(file.toString()).compose(exists -> exists ? Future.succeededFuture(file) : fresh(ref, file))
        : cached(ref, file);
    inFlight.put(ref.sha256(), result);
    return result.onComplete(done -> inFlight.remove(ref.sha256()));
  }

  private Future<Path> cached(ArtifactRef ref, Path file) {
    return vertx
        .executeBlocking(() -> matches(ref, file))
        .compose(ok -> {
          if (ok) {
            verified.add(ref.sha256());
            log.info("reusing cached artifact {}", ref.sha256());
            return Future.succeededFuture(file);
          }
          return fresh(ref, file);
        });
  }

  /** True when the file exists with the expected size and hash; a bad copy is deleted. */
  private static boolean matches(ArtifactRef ref, Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    boolean sizeOk = ref.sizeBytes() <= 0 || Files.size(file) == ref.sizeBytes();
    if (sizeOk && Sha256.ofFile(file).equals(ref.sha256())) {
      return true;
    }
    log.warn("cached artifact {} does not match its hash or size; downloading it again", ref.sha256());
    Files.deleteIfExists(file);
    return false;
  }

  private Future<Path> fresh(ArtifactRef ref, Path file) {
    verified.remove(ref.sha256());
    Path partial = directory.resolve(ref.sha256() + ".partial");
    return downloader
        .download(ref, partial)
        .compose(download -> {
          if (!download.sha256().equals(ref.sha256())) {
            return Future.failedFuture(new ArtifactException("artifact hash mismatch"));
          }
          if (ref.sizeBytes() > 0 && download.sizeBytes() != ref.sizeBytes()) {
            return Future.failedFuture(new ArtifactException(
                "artifact size mismatch: expected " + ref.sizeBytes() + " bytes, got " + download.sizeBytes()));
          }
          return vertx.executeBlocking(() -> Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING));
        })
        .onSuccess(moved -> {
          verified.add(ref.sha256());
          log.info("artifact {} downloaded and verified", ref.sha256());
        })
        .recover(e -> vertx
            .executeBlocking(() -> Files.deleteIfExists(partial))
            .transform(ignored -> Future.<Path>failedFuture(e)));
  }
}
