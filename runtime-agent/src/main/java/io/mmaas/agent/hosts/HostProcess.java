package io.mmaas.agent.hosts;

import io.mmaas.agent.modelhost.HostProtocol;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running model host, seen from the agent: its process, a writer thread for commands (a pipe write can block
 * when the host is slow to read, never on the agent's event loop) and a reader thread for events. Events and the
 * exit are handed to the agent's context, the exit only after every event the host wrote has been read, so a
 * {@code loaded} written just before a crash is never lost or reordered after it. The exit is seen as soon as the
 * host's end of its standard output closes, which the kernel does the moment the process dies.
 */
final class HostProcess {
  private static final Logger log = LoggerFactory.getLogger(HostProcess.class);

  private final String name;
  private final Process process;
  private final ExecutorService writer;
  private final OutputStream stdin;

  private HostProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.writer = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "mmaas-host-" + name + "-in");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Starts the process and its reader; {@code onEvent} and {@code onExit} run on {@code context}.
   *
   * @throws IOException when the process cannot be started at all
   */
  static HostProcess start(String name, List<String> command, Context context, Consumer<JsonObject> onEvent,
      IntConsumer onExit) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().remove("MMAAS_AGENT_ENROLLMENT_TOKEN"); // a host needs no credential of the agent's
    HostProcess host = new HostProcess(name, builder.start());
    Thread reader = new Thread(() -> host.read(context, onEvent, onExit), "mmaas-host-" + name + "-out");
    reader.setDaemon(true);
    reader.start();
    return host;
  }

  long pid() {
    return process.pid();
  }

  private void read(Context context, Consumer<JsonObject> onEvent, IntConsumer onExit) {
    try (BufferedReader events = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = events.readLine(); line != null; line = events.readLine()) {
        JsonObject event = HostProtocol.parse(line);
        if (event == null) {
          log.info("host {} printed: {}", name, line);
        } else {
          post(context, () -> onEvent.accept(event));
        }
      }
    } catch (IOException e) {
      log.debug("reading host {}'s events ended: {}", name, e.toString());
    }
    int status;
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        log.warn("host {} closed its output but did not exit; killing it", name);
        process.destroyForcibly();
      }
      status = process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = -1;
    }
    writer.shutdownNow();
    int exit = status;
    post(context, () -> onExit.accept(exit));
  }

  /** Runs {@code task} on the agent's context, unless the agent is shutting down (its event loop has stopped). */
  private void post(Context context, Runnable task) {
    try {
      context.runOnContext(v -> task.run());
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("host {}: the agent is shutting down; dropping an event", name);
    }
  }

  /** Sends one command; a host that has gone is noticed by the reader, so a failed write is only logged. */
  void send(JsonObject command) {
    String line = HostProtocol.line(command);
    writer.execute(() -> {
      try {
        stdin.write(line.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      } catch (IOException e) {
        log.debug("host {} did not take a command: {}", name, e.toString());
      }
    });
  }

  /** Asks the host to stop (its standard input closes and it halts); kills it if it is still there after 5 s. */
  void stop() {
    writer.execute(() -> {
      try {
        stdin.close();
      } catch (IOException e) {
        log.debug("closing host {}'s input: {}", name, e.toString());
      }
    });
    process.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> {
      process.destroyForcibly();
      return null;
    });
  }

  /** Kills the host at once (agent shutdown). */
  void kill() {
    process.destroyForcibly();
  }
}
