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
  public Path localPath(String sha256) {
    Path p = pathFor(sha256);
    return Files.isRegularFile(p) ? p : null;
  }

  @Override
  public Path tempDir() {
    return temp;
  }

  private Path pathFor(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return root.resolve(sha256.substring(0, 2)).resolve(sha256);
  }
}
