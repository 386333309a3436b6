package io.mmaas.agent.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import io.mmaas.onnx.InvalidModelException;
import io.mmaas.onnx.ModelSignature;
import io.mmaas.onnx.OnnxInspector;
import io.mmaas.onnx.SafeLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ModelRuntime} over ONNX Runtime: one process-wide {@link OrtEnvironment}, one session per replica.
 *
 * <p>Execution provider: with preference CPU every session runs on CPU. With AUTO or CUDA the provider is probed
 * once at construction ({@code getAvailableProviders()} lists CUDA and {@code addCUDA(0)} succeeds); each load then
 * appends CUDA and, when that or the session creation fails, falls back to CPU under AUTO or fails the load under
 * CUDA.
 *
 * <p>Memory per replica is {@code max(model file size, native growth)}, where native growth is the process's
 * resident-set growth over session creation and warm-up minus what the JVM committed over the same time (see
 * {@link ProcessMemory}). The file size is the floor because the weights stay resident in host memory on CPU, and it
 * is the estimate of device memory on CUDA, whose allocations the resident set does not show. It is a best-effort
 * figure: parallel loads see each other's growth.
 */
public final class OrtModelRuntime implements ModelRuntime {
  private static final Logger log = LoggerFactory.getLogger(OrtModelRuntime.class);
  private static final String CPU = "CPU";
  private static final String CUDA = "CUDA";

  private final OrtEnvironment env;
  private final ExecutionProviderPreference preference;
  private final boolean cudaUsable;
  private final ConcurrentMap<String, OrtReplica> replicas = new ConcurrentHashMap<>();
  private final RunWatchdog watchdog;
  /** The default limit on one run: below the gateway's 30 s timeout, so a caller gets the agent's explicit 504. */
  public static final long DEFAULT_MAX_RUN_MILLIS = 25_000;

  /** A runtime whose runs may take up to {@link #DEFAULT_MAX_RUN_MILLIS}. */
  public OrtModelRuntime(ExecutionProviderPreference preference) {
    this(preference, DEFAULT_MAX_RUN_MILLIS);
  }

  /** @param maxRunMillis how long one run (a request, a batch or a warm-up) may take before it is stopped */
  public OrtModelRuntime(ExecutionProviderPreference preference, long maxRunMillis) {
    this.watchdog = new RunWatchdog(maxRunMillis);
    this.env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "mmaas-agent");
    this.preference = preference;
    this.cudaUsable = preference != ExecutionProviderPreference.CPU && probeCuda();
    if (preference == ExecutionProviderPreference.CUDA && !cudaUsable) {
      log.error("execution provider CUDA was asked for but is not usable here; every load will fail");
    }
    log.info(
        "ONNX Runtime {} ready: preference {}, execution provider {}",
        env.getVersion(),
        preference,
        executionProvider());
  }

  private static boolean probeCuda() {
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      log.info("this ONNX Runtime build has no CUDA execution provider");
      return false;
    }
    try (SessionOptions options = new SessionOptions()) {
      options.addCUDA(0);
      return true;
    } catch (OrtException | RuntimeException | LinkageError e) {
      log.warn("the CUDA execution provider cannot start: {}", e.getMessage());
      return false;
    }
  }

  @Override
  public String executionProvider() {
    return cudaUsable || preference == ExecutionProviderPreference.CUDA ? CUDA : CPU;
  }

  @Override
  public List<String> availableProviders() {
    return cudaUsable ? List.of(CUDA, CPU) : List.of(CPU);
  }

  @Override
  public LoadedModel load(String replicaId, Path onnxFile, RuntimeOptions options) throws ModelLoadException {
    return load(replicaId, onnxFile, options, true);
  }

  /**
   * Loads {@code onnxFile}; with {@code warmUp} it also runs the model once on zeros (every dynamic dimension 1). A
   * warm-up that fails (zeros are no valid input for models whose inputs are shapes, indices or divisors) is logged
   * and the replica serves anyway: warm-up only moves the first request's one-off costs forward. A model host runs
   * its warm-up itself (with the version's samples, or these zeros) so that it can record it as its own phase.
   */
  @Override
  public LoadedModel load(String replicaId, Path onnxFile, RuntimeOptions options, boolean warmUp)
      throws ModelLoadException {
    if (replicas.containsKey(replicaId)) {
      throw new ModelLoadException("replica " + replicaId + " is already loaded");
    }
    long fileSize = checkModelFile(onnxFile);
    long started = System.nanoTime();
    ProcessMemory.Snapshot before = ProcessMemory.snapshot();
    String provider = cudaUsable || preference == ExecutionProviderPreference.CUDA ? CUDA : CPU;
    OrtSession session = openSession(replicaId, onnxFile, options, provider);
    if (session == null) {
      provider = CPU;
      session = openSession(replicaId, onnxFile, options, CPU);
    }
    try {
      List<TensorSpec> inputs = inputSpecs(session.getInputInfo());
      List<TensorSpec> outputs = outputSpecs(replicaId, session.getOutputInfo());
      if (warmUp) {
        warmUp(replicaId, session, inputs, outputs);
      }
      long memory = Math.max(fileSize, ProcessMemory.snapshot().nativeGrowthSince(before));
      LoadedModel model = new LoadedModel(replicaId, inputs, outputs, provider, memory, options);
      OrtReplica replica = new OrtReplica(session, model);
      if (replicas.putIfAbsent(replicaId, replica) != null) {
        throw new ModelLoadException("replica " + replicaId + " is already loaded");
      }
      log.info(
          "replica {} loaded on {} with {} in {} ms, memory ~{} bytes, inputs {}, outputs {}",
          replicaId,
          provider,
          options,
          (System.nanoTime() - started) / 1_000_000,
          memory,
          inputs,
          outputs);
      return model;
    } catch (OrtException e) {
      closeQuietly(session);
      throw new ModelLoadException("load failed: " + e.getMessage(), e);
    } catch (ModelLoadException | RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  /** Inspects the file before ONNX Runtime sees it; returns its size. */
  private static long checkModelFile(Path onnxFile) throws ModelLoadException {
    ModelSignature signature;
    try {
      signature = OnnxInspector.inspect(onnxFile);
    } catch (InvalidModelException e) {
      throw new ModelLoadException("invalid model: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model file: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ModelLoadException("invalid model: " + e, e);
    }
    // External data is loaded only from the model's own folder (an unpacked archive). ONNX Runtime 1.23 stopped
    // neither locations that escape it nor its in-memory marker (*/_ORT_MEM_ADDR_/*, whose offset it read as a raw
    // address and crashed the process); 1.24.1 refuses the marker itself, but the agent does not rely on the runtime
    // for this: every location must be a safe relative path naming a regular file under the model's folder. The
    // inspection above applies the same rule; it is checked here again so that no change there can let a marker
    // reach ONNX Runtime.
    Path base = onnxFile.toAbsolutePath().getParent();
    for (String location : signature.externalDataLocations()) {
      if (!SafeLocation.isSafe(location)) {
        throw new ModelLoadException("invalid model: " + SafeLocation.describe("external data location", location));
      }
      Path data = base.resolve(location).normalize();
      if (!data.startsWith(base) || !Files.isRegularFile(data, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new ModelLoadException("external data '" + location + "' is not a file in the model's folder");
      }
    }
    try {
      return Files.size(onnxFile);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model file: " + e.getMessage(), e);
    }
  }

  /** Opens a session; returns null when CUDA failed under AUTO, so the caller retries on CPU. */
  private OrtSession openSession(String replicaId, Path file, RuntimeOptions options, String provider)
      throws ModelLoadException {
    try (SessionOptions sessionOptions = new SessionOptions()) {
      sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
      sessionOptions.setInterOpNumThreads(options.interOpThreads());
      if (options.interOpThreads() != 1) {
        // inter-op threads only run anything in the parallel execution mode
        sessionOptions.setExecutionMode(SessionOptions.ExecutionMode.PARALLEL);
      }
      if (CUDA.equals(provider)) {
        if (!cudaUsable) {
          throw new ModelLoadException("load failed: the CUDA execution provider is not available on this node");
        }
        sessionOptions.addCUDA(0);
      }
      return env.createSession(file.toString(), sessionOptions);
    } catch (OrtException e) {
      if (CUDA.equals(provider) && preference == ExecutionProviderPreference.AUTO) {
        log.warn("replica {} could not load on CUDA, falling back to CPU: {}", replicaId, e.getMessage());
        return null;
      }
      throw new ModelLoadException("load failed: " + e.getMessage(), e);
    }
  }

  private static List<TensorSpec> inputSpecs(Map<String, NodeInfo> infos) throws ModelLoadException {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo info : infos.values()) {
      specs.add(
          spec(info)
              .orElseThrow(
                  () ->
                      new ModelLoadException(
                          "input " + info.getName() + " has type " + info.getInfo() + ", which the agent cannot serve")));
    }
    return specs;
  }

  private static List<TensorSpec> outputSpecs(String replicaId, Map<String, NodeInfo> infos)
      throws ModelLoadException {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo info : infos.values()) {
      Optional<TensorSpec> spec = spec(info);
      if (spec.isPresent()) {
        specs.add(spec.get());
      } else {
        log.warn("replica {}: output {} ({}) is not offered: unsupported type", replicaId, info.getName(), info.getInfo());
      }
    }
    if (specs.isEmpty()) {
      throw new ModelLoadException("model has no output of a type the agent can serve");
    }
    return specs;
  }

  private static Optional<TensorSpec> spec(NodeInfo info) {
    if (!(info.getInfo() instanceof TensorInfo tensor)) {
      return Optional.empty();
    }
    List<Long> shape = Arrays.stream(tensor.getShape()).map(d -> d < 0 ? -1 : d).boxed().toList();
    return OrtTensors.dataType(tensor.onnxType).map(type -> new TensorSpec(info.getName(), type, shape));
  }

  private void warmUp(String replicaId, OrtSession session, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    List<Tensor> zeros = inputs.stream().map(OrtTensors::zeros).toList();
    Set<String> names = new HashSet<>();
    outputs.forEach(o -> names.add(o.name()));
    try {
      OrtReplica.execute(env, watchdog, session, outputs, zeros, names);
    } catch (InferenceException e) {
      log.info("replica {}: warm-up on zeros failed, serving anyway: {}", replicaId, e.getMessage());
    }
  }

  @Override
  public void unload(String replicaId) {
    OrtReplica replica = replicas.remove(replicaId);
    if (replica != null) {
      replica.close();
      log.info("replica {} unloaded", replicaId);
    }
  }

  @Override
  public Optional<LoadedModel> find(String replicaId) {
    return Optional.ofNullable(replicas.get(replicaId)).map(OrtReplica::model);
  }

  @Override
  public List<Tensor> infer(String replicaId, List<Tensor> inputs, Set<String> outputs)
      throws ModelNotLoadedException, InferenceException {
    OrtReplica replica = replicas.get(replicaId);
    if (replica == null) {
      throw new ModelNotLoadedException(replicaId);
    }
    return replica.run(env, watchdog, inputs, outputs);
  }

  @Override
  public long memoryUsed(String replicaId) {
    OrtReplica replica = replicas.get(replicaId);
    return replica == null ? 0 : replica.model().memoryBytes();
  }

  @Override
  public void close() {
    for (String replicaId : List.copyOf(replicas.keySet())) {
      unload(replicaId);
    }
    watchdog.close();
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      log.debug("closing a failed session: {}", e.getMessage());
    }
  }
}
