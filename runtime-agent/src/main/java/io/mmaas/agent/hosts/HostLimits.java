package io.mmaas.agent.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory ceiling and thread (task) limit of each model host, applied by the strongest mechanism this machine
 * offers: a cgroup (v1 memory and pids controllers, or cgroup v2 with those controllers) per host when the agent may
 * create one, else a limit on the host's address space ({@code ulimit -v}, coarse: the JVM reserves address space it
 * never uses, so the limit is the ceiling plus {@link #ADDRESS_SPACE_HEADROOM}). A host starts through
 * {@code /bin/sh}, which puts itself into the cgroup (or sets the limit) and then {@code exec}s the JVM, so the host
 * is limited from its first instruction.
 */
public final class HostLimits {
  private static final Logger log = LoggerFactory.getLogger(HostLimits.class);
  /** Address space the JVM reserves beyond what it uses (heap reservation, class space, code cache, stacks). */
  static final long ADDRESS_SPACE_HEADROOM = 4L << 30;
  private static final Path CGROUP = Path.of("/sys/fs/cgroup");

  /** How the limits are enforced here. */
  public enum Mechanism { CGROUP_V1, CGROUP_V2, ADDRESS_SPACE, NONE }

  private final Mechanism mechanism;
  private final long memoryBytes;
  private final int maxTasks;
  private final Path memoryRoot;
  private final Path pidsRoot;
  /** Each host's cgroup OOM-kill count when it was (re)started: a higher count since means its ceiling killed it. */
  private final Map<String, Long> oomBaselines = new ConcurrentHashMap<>();

  private HostLimits(Mechanism mechanism, long memoryBytes, int maxTasks, Path memoryRoot, Path pidsRoot) {
    this.mechanism = mechanism;
    this.memoryBytes = memoryBytes;
    this.maxTasks = maxTasks;
    this.memoryRoot = memoryRoot;
    this.pidsRoot = pidsRoot;
  }

  /**
   * Finds the mechanism and prepares the agent's own cgroup folder.
   *
   * @param scope a name for this agent's hosts (their cgroups live under {@code mmaas/<scope>/})
   * @param memoryBytes each host's memory ceiling; 0 for none
   * @param maxTasks each host's most threads (tasks); 0 for none
   */
  public static HostLimits detect(String scope, long memoryBytes, int maxTasks) {
    if (memoryBytes <= 0 && maxTasks <= 0) {
      return new HostLimits(Mechanism.NONE, 0, 0, null, null);
    }
    String name = scope.replaceAll("[^A-Za-z0-9._-]", "_");
    Path v1Memory = CGROUP.resolve("memory");
    if (Files.isRegularFile(v1Memory.resolve("memory.limit_in_bytes"))) {
      Path memory = v1Memory.resolve("mmaas").resolve(name);
      Path pids = Files.isRegularFile(CGROUP.resolve("pids").resolve("cgroup.procs"))
          ? CGROUP.resolve("pids").resolve("mmaas").resolve(name) : null;
      if (creatable(memory)) {
        return new HostLimits(Mechanism.CGROUP_V1, memoryBytes, maxTasks, memory, pids != null && creatable(pids) ? pids : null);
      }
    }
    Path controllers = CGROUP.resolve("cgroup.controllers");
    if (Files.isRegularFile(controllers) && read(controllers).contains("memory")) {
      Path root = CGROUP.resolve("mmaas").resolve(name);
      if (creatable(root) && enableControllers(root)) {
        return new HostLimits(Mechanism.CGROUP_V2, memoryBytes, maxTasks, root, root);
      }
    }
    if (memoryBytes > 0 && Files.isExecutable(Path.of("/bin/sh"))) {
      return new HostLimits(Mechanism.ADDRESS_SPACE, memoryBytes, maxTasks, null, null);
    }
    return new HostLimits(Mechanism.NONE, memoryBytes, maxTasks, null, null);
  }

  public Mechanism mechanism() {
    return mechanism;
  }

  public long memoryBytes() {
    return memoryBytes;
  }

  /** The command that starts {@code java} as host {@code host} within its limits. */
  List<String> wrap(String host, List<String> java) throws IOException {
    StringBuilder script = new StringBuilder();
    switch (mechanism) {
      case CGROUP_V1, CGROUP_V2 -> {
        Path memory = memoryRoot.resolve(host);
        Files.createDirectories(memory);
        if (mechanism == Mechanism.CGROUP_V1) {
          if (memoryBytes > 0) {
            write(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
            resetOomCount(host);
          }
          script.append("echo $$ > ").append(quote(memory.resolve("cgroup.procs"))).append(" && ");
          if (pidsRoot != null && maxTasks > 0) {
            Path pids = pidsRoot.resolve(host);
            Files.createDirectories(pids);
            write(pids.resolve("pids.max"), Integer.toString(maxTasks));
            script.append("echo $$ > ").append(quote(pids.resolve("cgroup.procs"))).append(" && ");
          }
        } else {
          if (memoryBytes > 0) {
            write(memory.resolve("memory.max"), Long.toString(memoryBytes));
            if (Files.exists(memory.resolve("memory.swap.max"))) {
              write(memory.resolve("memory.swap.max"), "0");
            }
            resetOomCount(host);
          }
          if (maxTasks > 0 && Files.exists(memory.resolve("pids.max"))) {
            write(memory.resolve("pids.max"), Integer.toString(maxTasks));
          }
          script.append("echo $$ > ").append(quote(memory.resolve("cgroup.procs"))).append(" && ");
        }
      }
      case ADDRESS_SPACE -> script.append("ulimit -v ")
          .append((memoryBytes + ADDRESS_SPACE_HEADROOM) >> 10).append(" && ");
      case NONE -> {
        return java;
      }
    }
    script.append("exec \"$@\"");
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script.toString(), "mmaas-host"));
    command.addAll(java);
    return command;
  }

  /** Whether the host's cgroup killed a process for going over the ceiling since it was (re)started. */
  boolean oomKilled(String host) {
    return memoryRoot != null && memoryBytes > 0 && oomKills(host) > oomBaselines.getOrDefault(host, 0L);
  }

  private void resetOomCount(String host) {
    oomBaselines.put(host, oomKills(host));
  }

  /** The cgroup's count of OOM kills ({@code oom_kill} in memory.oom_control, v1, or memory.events, v2). */
  private long oomKills(String host) {
    Path dir = memoryRoot.resolve(host);
    String events = read(dir.resolve(mechanism == Mechanism.CGROUP_V1 ? "memory.oom_control" : "memory.events"));
    for (String line : events.split("\n")) {
      if (line.startsWith("oom_kill ")) {
        return Long.parseLong(line.substring("oom_kill ".length()).trim());
      }
    }
    return 0;
  }

  /** Removes the host's cgroups once its process is gone (a cgroup with no process in it). */
  void release(String host) {
    if (memoryRoot != null) {
      memoryRoot.resolve(host).toFile().delete();
    }
    if (pidsRoot != null && pidsRoot != memoryRoot) {
      pidsRoot.resolve(host).toFile().delete();
    }
  }

  @Override
  public String toString() {
    return mechanism + (memoryBytes > 0 ? ", memory ceiling " + (memoryBytes >> 20) + " MiB" : "")
        + (maxTasks > 0 ? ", at most " + maxTasks + " threads" : "") + " per host";
  }

  private static boolean creatable(Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.isWritable(dir);
    } catch (IOException | SecurityException e) {
      log.debug("cannot create cgroup {}: {}", dir, e.toString());
      return false;
    }
  }

  private static boolean enableControllers(Path root) {
    // cgroup v2: controllers must be enabled in every parent's subtree_control on the way down
    try {
      for (Path dir = root.getParent(); dir != null && dir.startsWith(CGROUP); dir = dir.getParent()) {
        Path control = dir.resolve("cgroup.subtree_control");
        if (Files.isWritable(control) && !read(control).contains("memory")) {
          write(control, "+memory +pids");
        }
        if (dir.equals(CGROUP)) {
          break;
        }
      }
      write(root.resolve("cgroup.subtree_control"), "+memory +pids");
      return true;
    } catch (IOException e) {
      log.debug("cannot enable cgroup v2 controllers under {}: {}", root, e.toString());
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value);
  }

  private static String quote(Path path) {
    return "'" + path.toString().replace("'", "'\\''") + "'";
  }
}
