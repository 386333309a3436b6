package io.mmaas.agent.modelhost;

import io.mmaas.agent.oip.ServingKey;
import io.mmaas.agent.oip.ServingVerticle;
import io.mmaas.agent.oip.WarmUpSamples;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.OrtTensors;
import io.mmaas.agent.runtime.ProcessMemory;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.agent.sync.ReplicaState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.sync.ReplicaTable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model host: reads its settings and commands on standard input ({@link HostProtocol}), owns ONNX Runtime sessions
 * and serves OIP for them with the same serving stack the agent used to run in-process ({@link ServingVerticle}).
 * Standard output carries only protocol events; everything the JVM would print goes to standard error. When standard
 * input closes (the agent is gone) the host halts at once.
 */
public final class ModelHostMain {
  private static final Logger log = LoggerFactory.getLogger(ModelHostMain.class);
  /** Loads at once: a second load must not wait behind a large model. */
  private static final int LOAD_THREADS = 2;

  private final HostSettings settings;
  private final PrintStream events;
  private final RecordingRuntime runtime;
  private final ReplicaTable table = new ReplicaTable();
  private final ServingKey servingKey = new ServingKey();
  private final ExecutorService loads = Executors.newFixedThreadPool(LOAD_THREADS, task -> {
    Thread thread = new Thread(task, "mmaas-host-load");
    thread.setDaemon(true);
    return thread;
  });

  private ModelHostMain(HostSettings settings, PrintStream events, RecordingRuntime runtime) {
    this.settings = settings;
    this.events = events;
    this.runtime = runtime;
  }

  public static void main(String[] args) throws Exception {
    PrintStream events = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err); // stray prints must not mix with the protocol
    if (args.length > 0 && HostProtocol.PROBE.equals(args[0])) {
      probe(events, args.length > 1 ? args[1] : "auto");
      return;
    }
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    JsonObject start = HostProtocol.parse(String.valueOf(commands.readLine()));
    if (start == null || !HostProtocol.START.equals(start.getString(HostProtocol.OP))) {
      log.error("the first line on standard input must be the start command");
      System.exit(2);
    }
    HostSettings settings = HostSettings.fromJson(start.getJsonObject("settings"));
    log.info("model host starting with {}", settings);
    FlightRecorder recorder = FlightRecorder.create(Path.of(settings.recorderFile()));
    RecordingRuntime runtime = new RecordingRuntime(
        new OrtModelRuntime(settings.executionProvider(), settings.maxInferMillis()), recorder);
    ModelHostMain host = new ModelHostMain(settings, events, runtime);
    host.serve();
    host.readCommands(commands);
  }

  /** Prints the node's execution providers (the agent asks once at start, so it never loads ONNX Runtime itself). */
  private static void probe(PrintStream events, String preference) {
    try (OrtModelRuntime runtime = new OrtModelRuntime(ExecutionProviderPreference.parse(preference))) {
      events.print(HostProtocol.line(new JsonObject().put(HostProtocol.EVENT, HostProtocol.PROBED)
          .put("executionProvider", runtime.executionProvider())
          .put("providers", new JsonArray(runtime.availableProviders()))));
    }
    System.exit(0);
  }

  private void serve() {
    ServingKey key = servingKey;
    key.set(settings.servingKeys());
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    ServingVerticle serving = new ServingVerticle(
        new ServingVerticle.Settings(settings.host(), settings.port(), settings.maxBodyBytes(),
            settings.inferThreads(), settings.maxPending(), settings.eventLoops()),
        runtime, table, key);
    vertx.deployVerticle(serving)
        .onSuccess(id -> emit(new JsonObject().put(HostProtocol.EVENT, HostProtocol.LISTENING)
            .put("port", serving.actualPort()).put("pid", ProcessHandle.current().pid())
            .put("executionProvider", runtime.executionProvider())
            .put("providers", new JsonArray(runtime.availableProviders()))))
        .onFailure(e -> {
          log.error("model host {} cannot listen on {}:{}: {}", settings.name(), settings.host(), settings.port(),
              e.getMessage());
          Runtime.getRuntime().halt(3);
        });
  }

  private void readCommands(BufferedReader commands) {
    try {
      for (String line = commands.readLine(); line != null; line = commands.readLine()) {
        JsonObject command = HostProtocol.parse(line);
        if (command == null) {
          log.warn("ignoring a line that is not a command");
          continue;
        }
        switch (command.getString(HostProtocol.OP, "")) {
          case HostProtocol.LOAD -> loads.execute(() -> load(command));
          case HostProtocol.UNLOAD -> loads.execute(() -> unload(command.getString("replicaId")));
          case HostProtocol.KEYS -> keys(command);
          default -> log.warn("ignoring unknown command {}", command.getString(HostProtocol.OP));
        }
      }
    } catch (Exception e) {
      log.warn("reading commands failed: {}", e.toString());
    }
    log.info("standard input closed: the agent is gone; model host {} stops", settings.name());
    Runtime.getRuntime().halt(0);
  }

  private void load(JsonObject command) {
    String replicaId = command.getString("replicaId");
    try {
      RuntimeOptions options = options(command.getJsonObject("options", new JsonObject()));
      runtime.tag(replicaId, command.getInteger("tag", -1));
      ProcessMemory.Snapshot before = ProcessMemory.snapshot();
      LoadedModel model = runtime.load(replicaId, Path.of(command.getString("file")), options, false);
      String warmUp = warmUp(model, command.getJsonArray("warmUp", new JsonArray()),
          command.getBoolean("syntheticWarmUp", true) ? zerosAllowed(Path.of(command.getString("file")))
              : "skipped: an earlier warm-up on zeros crashed the host");
      long memory = Math.max(model.memoryBytes(), ProcessMemory.snapshot().nativeGrowthSince(before));
      table.put(new ReplicaStatus(replicaId, command.getString("modelName"), command.getLong("version"),
          ReplicaState.READY, null, memory));
      emit(new JsonObject().put(HostProtocol.EVENT, HostProtocol.LOADED).put("replicaId", replicaId)
          .put("memoryBytes", memory).put("warmUp", warmUp));
    } catch (Exception e) {
      runtime.unload(replicaId);
      String reason = e instanceof io.mmaas.agent.runtime.ModelLoadException || e instanceof IllegalArgumentException
          ? e.getMessage() : "load failed: " + e;
      emit(new JsonObject().put(HostProtocol.EVENT, HostProtocol.FAILED).put("replicaId", replicaId)
          .put("reason", reason));
    }
  }

  /**
   * Null when a warm-up on zeros may run, else why not: a graph that divides (Div, Mod) would divide by zero, and an
   * integer division by zero kills the process.
   */
  private static String zerosAllowed(Path file) {
    try {
      return io.mmaas.onnx.OnnxInspector.inspect(file).divides()
          ? "skipped: the model divides, and zeros would divide by zero" : null;
    } catch (Exception e) {
      return "skipped: " + e.getMessage();
    }
  }

  /**
   * Runs the samples, or zeros when there are none; says what it did. Failures are reported, not fatal.
   *
   * @param noZeros why a warm-up on zeros must not run (null when it may)
   */
  private String warmUp(LoadedModel model, JsonArray samples, String noZeros) {
    String replicaId = model.replicaId();
    if (samples.isEmpty()) {
      if (noZeros != null) {
        return noZeros;
      }
      List<Tensor> zeros = model.inputs().stream().map(OrtTensors::zeros).toList();
      Set<String> outputs = new LinkedHashSet<>();
      model.outputs().forEach(o -> outputs.add(o.name()));
      try {
        runtime.warmUp(replicaId, zeros, outputs, true);
        return "zeros";
      } catch (Exception e) {
        log.info("replica {}: warm-up on zeros failed, serving anyway: {}", replicaId, e.getMessage());
        return "failed on zeros (serving anyway): " + e.getMessage();
      }
    }
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      try {
        WarmUpSamples.Sample sample = WarmUpSamples.decode(samples.getJsonObject(i), model);
        runtime.warmUp(replicaId, sample.inputs(), sample.outputs(), false);
      } catch (Exception e) {
        failures.add("sample " + (i + 1) + ": " + e.getMessage());
      }
    }
    if (failures.isEmpty()) {
      return samples.size() + " sample(s)";
    }
    log.warn("replica {}: warm-up failed, serving anyway: {}", replicaId, failures);
    return "failed (serving anyway): " + String.join("; ", failures);
  }

  private RuntimeOptions options(JsonObject json) {
    int budget = Math.max(1, settings.threadBudget());
    int intra = json.getInteger("intraOpThreads", RuntimeOptions.DEFAULT.intraOpThreads());
    int inter = json.getInteger("interOpThreads", RuntimeOptions.DEFAULT.interOpThreads());
    // 0 lets ONNX Runtime take every core: within a host's thread budget it means "the budget"
    intra = intra == 0 || intra > budget ? budget : intra;
    inter = inter == 0 || inter > budget ? budget : inter;
    return new RuntimeOptions(intra, inter, json.getInteger("maxBatchSize", 1),
        json.getLong("maxQueueDelayMicros", 0L));
  }

  /** Accepts the given serving keys from the next request on; nothing loaded or running is touched. */
  private void keys(JsonObject command) {
    try {
      List<String> keys = HostProtocol.keys(command.getJsonArray("keys"));
      servingKey.set(keys);
      log.info("model host {} accepts {} serving key(s) now", settings.name(), keys.size());
    } catch (RuntimeException e) {
      log.warn("ignoring a keys command: {}", e.getMessage());
      return;
    }
    emit(new JsonObject().put(HostProtocol.EVENT, HostProtocol.KEYS_APPLIED).put("seq", command.getValue("seq")));
  }

  private void unload(String replicaId) {
    table.remove(replicaId);
    runtime.unload(replicaId);
    emit(new JsonObject().put(HostProtocol.EVENT, HostProtocol.UNLOADED).put("replicaId", replicaId));
  }

  private void emit(JsonObject event) {
    synchronized (events) {
      events.print(HostProtocol.line(event));
      events.flush();
    }
  }

}
