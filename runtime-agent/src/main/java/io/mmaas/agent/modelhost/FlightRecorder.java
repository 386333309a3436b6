package io.mmaas.agent.modelhost;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which replica each of a host's threads is running, kept in a small file the host maps into memory. Stores into a
 * shared file mapping land in the page cache, which outlives the process: when a host dies in native code (SIGFPE,
 * SIGSEGV, an OOM kill) the agent reads the file afterwards and attributes the crash to the replica (and phase) that
 * was running. The cost on a run is a thread-local lookup and a few stores (the request id's bytes among them);
 * nothing is flushed to disk.
 *
 * <p>Layout: {@value #SLOTS} slots of {@value #SLOT_BYTES} bytes, one per thread that runs sessions: {@code int tag,
 * int phase, long sinceMillis, byte length, ASCII request id (at most 47 bytes)}; phase 0 is idle.
 */
public final class FlightRecorder {
  /** Threads that can be told apart; threads beyond these are not recorded. */
  public static final int SLOTS = 256;
  private static final int SLOT_BYTES = 64;
  private static final int ID_BYTES = SLOT_BYTES - 17;

  /** What a thread is doing with a replica. */
  public enum Phase {
    IDLE, LOADING, WARM_UP, SYNTHETIC_WARM_UP, INFERENCE;

    /**
     * Whether a crash in this phase is the replica's own doing. A warm-up on zeros is the platform's choice of input
     * (zeros divide by zero in a model that divides), not the tenant's, so a crash there does not count towards
     * quarantine; the agent loads the replica again without it.
     */
    public boolean countsAgainstReplica() {
      return this != IDLE && this != SYNTHETIC_WARM_UP;
    }

    /** How a crash in this phase reads: "during inference". */
    public String during() {
      return switch (this) {
        case IDLE -> "while idle";
        case LOADING -> "while loading";
        case WARM_UP -> "during warm-up";
        case SYNTHETIC_WARM_UP -> "during warm-up on zeros";
        case INFERENCE -> "during inference";
      };
    }
  }

  /** A thread that was busy: with which replica's tag, in which phase, since when, on which request (or null). */
  public record Entry(int tag, Phase phase, long sinceMillis, String requestId) {}

  private final MappedByteBuffer map;
  private final AtomicInteger nextSlot = new AtomicInteger();
  private final ThreadLocal<Integer> slot = ThreadLocal.withInitial(() -> {
    int index = nextSlot.getAndIncrement();
    return index < SLOTS ? index * SLOT_BYTES : -1;
  });

  private FlightRecorder(MappedByteBuffer map) {
    this.map = map;
  }

  /** Creates (or empties) the file and maps it; the host's side. */
  public static FlightRecorder create(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) SLOTS * SLOT_BYTES);
      map.order(ByteOrder.LITTLE_ENDIAN);
      return new FlightRecorder(map);
    }
  }

  /** Marks this thread busy with {@code tag} in {@code phase}. */
  public void enter(int tag, Phase phase) {
    enter(tag, phase, null);
  }

  /** Marks this thread busy with {@code tag} in {@code phase}, running {@code requestId} (may be null). */
  public void enter(int tag, Phase phase, String requestId) {
    int at = slot.get();
    if (at >= 0) {
      map.putLong(at + 8, System.currentTimeMillis());
      map.putInt(at, tag);
      int length = 0;
      if (requestId != null) {
        for (; length < requestId.length() && length < ID_BYTES; length++) {
          char c = requestId.charAt(length);
          map.put(at + 17 + length, c >= 0x20 && c < 0x7f ? (byte) c : (byte) '?');
        }
      }
      map.put(at + 16, (byte) length);
      map.putInt(at + 4, phase.ordinal());
    }
  }

  /** Marks this thread idle. */
  public void exit() {
    int at = slot.get();
    if (at >= 0) {
      map.putInt(at + 4, 0);
    }
  }

  /** The busy threads recorded in {@code file}; the agent's side, after the host has gone. Empty if unreadable. */
  public static List<Entry> read(Path file) {
    List<Entry> busy = new ArrayList<>();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return busy;
    }
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    Phase[] phases = Phase.values();
    for (int at = 0; at + SLOT_BYTES <= bytes.length; at += SLOT_BYTES) {
      int phase = buffer.getInt(at + 4);
      if (phase > 0 && phase < phases.length) {
        int length = Math.min(ID_BYTES, buffer.get(at + 16) & 0xff);
        String requestId = length == 0 ? null
            : new String(bytes, at + 17, length, java.nio.charset.StandardCharsets.US_ASCII);
        busy.add(new Entry(buffer.getInt(at), phases[phase], buffer.getLong(at + 8), requestId));
      }
    }
    return busy;
  }
}
