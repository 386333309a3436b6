package io.mmaas.controlplane.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/** Blobs as files {@code <root>/sha256/<2 hex>/<64 hex>}, written by atomic rename from a temp folder on the same disk. */
public final class FileBlobStore implements BlobStore {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private final Path root;
  private final Path temp;

  public FileBlobStore(Path root) throws IOException {
    this.root = root.resolve("sha256");
    this.temp = root.resolve("tmp");
    Files.createDirectories(this.root);
    Files.createDirectories(this.temp);
  }

  @Override
  public void put(Path tempFile, String sha256) throws IOException {
    Path target = pathFor(sha256);
    if (Files.exists(target)) {
      Files.deleteIfExists(tempFile);
      return;
    }
    Files.createDirectories(target.getParent());
    Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return Files.deleteIfExists(pathFor(sha256));
  }

  @Override
  public java.util.List<String> storedBefore(java.time.Instant before) throws IOException {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (var files = Files.walk(root, 2)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (SHA256.matcher(name).matches() && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
          out.add(name);
        }
      }
    }
    return out;
  }

  @Override
  public Path localPath(String sha256) {
    Path p = pathFor(sha256);
    return Files.isRegularFile(p) ? p : null;
  }

  @Override
  public Path tempDir() {
    return temp;
  }

  @Override
  public int sweepTemp(java.time.Duration idle) throws IOException {
    long cutoff = System.currentTimeMillis() - idle.toMillis();
    int swept = 0;
    try (var entries = Files.list(temp)) {
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
    if (!Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Files.getLastModifiedTime(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis();
    }
    try (var tree = Files.walk(entry)) {
      long newest = 0;
      for (Path p : tree.toList()) {
        newest = Math.max(newest, Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis());
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

  private Path pathFor(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return root.resolve(sha256.substring(0, 2)).resolve(sha256);
  }
}
