package io.mmaas.controlplane.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The local folder where uploads are written (and archives extracted) while they are validated, before their content
 * goes into the blob store; whatever the store, validation reads a local file. Leftovers of a killed process are
 * swept by age.
 */
public final class UploadFiles {
  private final Path dir;

  public UploadFiles(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  public Path tempDir() {
    return dir;
  }

  /**
   * Deletes what uploads left (a crash, a kill) that was not written for {@code idle}: an upload in progress writes
   * all the time, and its validation and store take far less than that. Returns how many entries went.
   */
  public int sweepTemp(Duration idle) throws IOException {
    long cutoff = System.currentTimeMillis() - idle.toMillis();
    int swept = 0;
    try (var entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        if (newestWrite(entry) < cutoff) {
          deleteTree(entry);
          swept++;
        }
      }
    }
    return swept;
  }

  /** The latest modification time in a file or folder tree (an archive being extracted writes inside its folder). */
  private static long newestWrite(Path entry) throws IOException {
    if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
      return Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis();
    }
    try (var tree = Files.walk(entry)) {
      long newest = 0;
      for (Path p : tree.toList()) {
        newest = Math.max(newest, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
      }
      return newest;
    }
  }

  private static void deleteTree(Path entry) throws IOException {
    try (var tree = Files.walk(entry)) {
      for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
