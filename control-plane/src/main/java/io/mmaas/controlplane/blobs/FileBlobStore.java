package io.mmaas.controlplane.blobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Blobs as files {@code <root>/sha256/<2 hex>/<64 hex>} on this machine's disk ({@code MMAAS_BLOB_STORE=file}): for a
 * single control plane, since another replica cannot read them. Written to {@code <root>/tmp} and moved into place
 * atomically; an upload's temporary file (on the same disk) is simply renamed. A download already reading a removed
 * file finishes (an open file survives its removal).
 */
public final class FileBlobStore implements BlobStore {
  private static final int CHUNK = 1 << 20;
  private final Vertx vertx;
  private final Path root;
  private final Path temp;

  public FileBlobStore(Vertx vertx, Path root) throws IOException {
    this.vertx = vertx;
    this.root = root.resolve("sha256");
    this.temp = root.resolve("tmp");
    Files.createDirectories(this.root);
    Files.createDirectories(this.temp);
  }

  @Override
  public Future<BlobInfo> put(String sha256, ReadStream<Buffer> content) {
    Path target = pathFor(sha256);
    Path incoming = temp.resolve("put-" + UUID.randomUUID());
    return size(sha256).compose(existing -> existing != null ? Future.succeededFuture(new BlobInfo(sha256, existing))
        : vertx.fileSystem().open(incoming.toString(), new OpenOptions().setCreateNew(true).setWrite(true))
            .compose(file -> Chunker.consume(vertx, content, CHUNK, (seq, chunk, last) -> file.write(chunk))
                .eventually(file::close))
            .compose(info -> vertx.executeBlocking(() -> {
              if (!info.sha256().equals(sha256)) {
                throw new DigestMismatchException(sha256, info.sha256());
              }
              move(incoming, target);
              return info;
            }, false))
            .onFailure(e -> vertx.executeBlocking(() -> Files.deleteIfExists(incoming), false)));
  }

  /** Moves the file into the store (the upload's temp folder is on the same disk): today's single-machine path. */
  @Override
  public Future<BlobInfo> putFile(String sha256, Path file) {
    Path target = pathFor(sha256);
    return vertx.executeBlocking(() -> {
      long size = Files.size(file);
      move(file, target);
      return new BlobInfo(sha256, size);
    }, false);
  }

  private static void move(Path from, Path target) throws IOException {
    if (Files.exists(target)) {
      Files.deleteIfExists(from);
      return;
    }
    Files.createDirectories(target.getParent());
    Files.move(from, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public Future<BlobContent> get(String sha256) {
    Path p = pathFor(sha256);
    return size(sha256).compose(size -> size == null ? Future.succeededFuture(null)
        : vertx.fileSystem().open(p.toString(), new OpenOptions().setRead(true))
            .map(file -> new BlobContent(size, file.pause().setReadBufferSize(1 << 16), p, file::close)));
  }

  @Override
  public Future<Long> size(String sha256) {
    Path p = pathFor(sha256);
    return vertx.executeBlocking(() -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : null, false);
  }

  @Override
  public Future<Boolean> delete(String sha256) {
    Path p = pathFor(sha256);
    return vertx.executeBlocking(() -> Files.deleteIfExists(p), false);
  }

  @Override
  public Future<List<String>> storedBefore(Instant before, int limit) {
    return vertx.executeBlocking(() -> {
      List<String> out = new ArrayList<>();
      try (var files = Files.walk(root, 2)) {
        for (Path p : files.toList()) {
          String name = p.getFileName().toString();
          if (out.size() < limit && SHA256.matcher(name).matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
              && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
            out.add(name);
          }
        }
      }
      return out;
    }, false);
  }

  @Override
  public String kind() {
    return "file";
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private Path pathFor(String sha256) {
    BlobStore.checkName(sha256);
    return root.resolve(sha256.substring(0, 2)).resolve(sha256);
  }
}
