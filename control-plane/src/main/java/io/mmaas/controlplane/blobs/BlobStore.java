package io.mmaas.controlplane.blobs;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Content-addressed artifact storage: identical content is stored once, under its SHA-256. Every method is
 * asynchronous and streams: a transfer holds at most a chunk or two of the blob in memory, whatever its size, and no
 * method blocks the calling event loop. A blob is visible whole or not at all: a put that fails or whose content does
 * not hash to the name it was given leaves nothing behind.
 */
public interface BlobStore {
  Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** What a store holds under a name. */
  record BlobInfo(String sha256, long size) {
  }

  /**
   * Stores what {@code content} yields under {@code sha256}, computing its size and hash while streaming; fails with
   * {@link DigestMismatchException} (storing nothing) when the content hashes to something else. When the content is
   * already stored nothing is read (the caller still owns and closes {@code content}).
   */
  Future<BlobInfo> put(String sha256, ReadStream<Buffer> content);

  /** Stores a local file's content (an upload's temporary file) under {@code sha256}; the file stays where it is. */
  Future<BlobInfo> putFile(String sha256, Path file);

  /** {@link #putFile} for a store that has nothing better than streaming the file through {@link #put}. */
  static Future<BlobInfo> streamFile(io.vertx.core.Vertx vertx, BlobStore store, String sha256, Path file) {
    return vertx.fileSystem().open(file.toString(), new io.vertx.core.file.OpenOptions().setRead(true))
        .compose(f -> store.put(sha256, f.setReadBufferSize(1 << 16)).eventually(f::close));
  }

  /** The blob's content as a stream, or null when it is not stored. */
  Future<BlobContent> get(String sha256);

  /** The blob's size, or null when it is not stored. */
  Future<Long> size(String sha256);

  /**
   * Removes a blob's content (only the blob collector calls this, under the blob's lock); false when it was not there.
   */
  Future<Boolean> delete(String sha256);

  /** Up to {@code limit} blobs stored before {@code before} (for finding content no row describes). */
  Future<List<String>> storedBefore(Instant before, int limit);

  /** {@code postgres}, {@code s3} or {@code file}, for logs. */
  String kind();

  /** Releases what the store holds (its pool, its client). */
  Future<Void> close();

  static String checkName(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return sha256;
  }
}
