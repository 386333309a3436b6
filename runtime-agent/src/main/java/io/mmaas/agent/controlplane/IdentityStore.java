package io.mmaas.agent.controlplane;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the agent's identity in {@code DATA_DIR/agent.json}, readable by the agent's user only (mode 0600), written
 * atomically so a crash never leaves half a file. Blocking: call from a worker.
 */
public final class IdentityStore {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path file;

  public IdentityStore(Path dataDir) {
    this.file = dataDir.resolve("agent.json");
  }

  public Path file() {
    return file;
  }

  /** The stored identity, or empty before the first enrollment. */
  public Optional<AgentIdentity> load() throws EnrollmentException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      return Optional.of(AgentApiJson.identity(new JsonObject(json)));
    } catch (IOException | DecodeException | IllegalArgumentException e) {
      throw new EnrollmentException(file + " is unreadable (" + e.getMessage() + "); remove it to enroll again", e);
    }
  }

  public void save(AgentIdentity identity) throws EnrollmentException {
    Path temp = file.resolveSibling("agent.json.tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(temp);
      if (posix()) {
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      }
      Files.writeString(temp, AgentApiJson.identityFile(identity).encodePrettily(), StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (posix()) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
    } catch (IOException e) {
      throw new EnrollmentException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
