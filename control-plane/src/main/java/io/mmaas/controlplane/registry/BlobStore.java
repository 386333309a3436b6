package io.mmaas.controlplane.registry;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Content-addressed artifact storage: identical content is stored once, under its SHA-256. A filesystem store now;
 * an S3-compatible store for clusters plugs in behind this interface. Methods block: call them on worker threads.
 */
public interface BlobStore {
  /** Moves a fully written, hashed temporary file into the store; if the content is already there, drops the file. */
  void put(Path tempFile, String sha256) throws IOException;

  /**
   * Removes a blob's content (only the {@code BlobCollector} calls this, under the blob's lock); false when it was not
   * there. A download already reading it finishes (an open file survives its removal).
   */
  boolean delete(String sha256) throws IOException;

  /** The blobs stored before {@code before} (for finding content no row describes). */
  java.util.List<String> storedBefore(java.time.Instant before) throws IOException;

  /** A readable local file holding the blob, or null when it is not stored. */
  Path localPath(String sha256);

  /** Where uploads are written before they are hashed and validated (same filesystem, so put is a rename). */
  Path tempDir();

  /**
   * Deletes what uploads left in {@link #tempDir} (a crash, a kill) that was not written for {@code idle}: an
   * upload in progress writes all the time, and its validation takes far less than that. Returns how many entries
   * went.
   */
  int sweepTemp(java.time.Duration idle) throws IOException;
}
