package io.mmaas.conformance;

import io.mmaas.onnx.OnnxTestCase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The conformance run: every test case is read, run in-process ({@link Reference}) and, when ONNX Runtime answers it
 * correctly there, served through the platform ({@link ServedRun}) in batches; each ends with one {@link Outcome}.
 * The platform conforms when no case ends {@link Outcome#NOT_SERVED}.
 */
public final class Conformance {
  /** Operators whose outputs are random draws: a wrong in-process answer from one of them is excepted. */
  public static final Set<String> RANDOM_OPS = Set.of("RandomNormal", "RandomUniform", "RandomNormalLike",
      "RandomUniformLike", "Bernoulli", "Multinomial");

  /** Where a case ended, in the order the run decides it. */
  public enum Outcome {
    /** The model or its data could not be read at all. */
    UNREADABLE,
    /** An input or output is a sequence, map or optional (the platform serves tensors). */
    SKIPPED_NOT_TENSORS,
    /** The platform's model rules (the upload check, which the agent's runtime applies first) refuse it. */
    REFUSED_BY_MODEL_RULES,
    /** ONNX Runtime cannot load it. */
    ORT_LOAD_FAILED,
    /** ONNX Runtime loads it but the run fails. */
    ORT_RUN_FAILED,
    /** A random-output operator: ONNX Runtime's draw differs from the recorded one, as it may. */
    RANDOM_EXCEPTED,
    /** ONNX Runtime answers, but not within tolerance of the expected outputs. */
    ORT_WRONG,
    /** In scope, not served: served with a platform built to this, this is the list that must be empty. */
    NOT_SERVED,
    /** In scope and answered correctly through the gateway and agent. */
    SERVED_CORRECTLY,
    /** In scope; the platform was not asked (an in-process-only run). */
    IN_SCOPE
  }

  /** One case's outcome; {@code reason} is null for SERVED_CORRECTLY and IN_SCOPE. */
  public record Result(String suite, String name, Outcome outcome, String reason) {}

  private Conformance() {}

  /**
   * Runs the cases in {@code dirs} (each a folder with model.onnx; its parent's name is the suite); serves the in-scope
   * ones through {@code served} in batches of {@code batchSize}, or not at all when it is null.
   */
  public static List<Result> run(List<Path> dirs, ServedRun served, int batchSize, Consumer<String> progress)
      throws Exception {
    List<Result> results = new ArrayList<>();
    List<OnnxTestCase> inScope = new ArrayList<>();
    try (Reference reference = new Reference()) {
      for (Path dir : dirs) {
        String suite = dir.getParent().getFileName().toString();
        String name = dir.getFileName().toString();
        OnnxTestCase c;
        try {
          c = OnnxTestCase.load(dir);
        } catch (Exception e) {
          results.add(new Result(suite, name, Outcome.UNREADABLE, Reference.oneLine(e)));
          continue;
        }
        if (c.skipReason() != null) {
          results.add(new Result(suite, name, Outcome.SKIPPED_NOT_TENSORS, c.skipReason()));
          continue;
        }
        Reference.Outcome o = reference.run(c);
        Outcome outcome = switch (o.status()) {
          case LOAD_FAILED -> o.reason().startsWith("invalid model:") ? Outcome.REFUSED_BY_MODEL_RULES
              : Outcome.ORT_LOAD_FAILED;
          case RUN_FAILED -> Outcome.ORT_RUN_FAILED;
          case WRONG -> random(c) ? Outcome.RANDOM_EXCEPTED : Outcome.ORT_WRONG;
          case CORRECT -> Outcome.IN_SCOPE;
        };
        String reason = outcome == Outcome.RANDOM_EXCEPTED
            ? "random output (" + randomWhy(c) + "): " + o.reason() : o.reason();
        results.add(new Result(suite, name, outcome, reason));
        if (outcome == Outcome.IN_SCOPE) {
          inScope.add(c);
        }
      }
    }
    progress.accept("in-process: " + inScope.size() + " of " + dirs.size() + " cases in scope");
    if (served == null) {
      return results;
    }
    // Models that divide integers may crash their host's warm-up on zeros (SIGFPE): it retries them without it, but
    // every crash restarts the host with a growing backoff, so they get one tenant (one host) each, in one batch.
    List<List<OnnxTestCase>> batches = new ArrayList<>();
    List<OnnxTestCase> crashProne = inScope.stream().filter(Conformance::dividesIntegers).toList();
    List<OnnxTestCase> rest = inScope.stream().filter(c -> !dividesIntegers(c)).toList();
    for (int from = 0; from < rest.size(); from += batchSize) {
      batches.add(rest.subList(from, Math.min(rest.size(), from + batchSize)));
    }
    if (!crashProne.isEmpty()) {
      batches.add(crashProne);
    }
    int done = 0;
    for (List<OnnxTestCase> batch : batches) {
      long started = System.nanoTime();
      List<List<OnnxTestCase>> groups = batch == crashProne ? batch.stream().map(List::of).toList() : List.of(batch);
      Map<String, String> verdicts = served.serveBatch(groups);
      done += batch.size();
      long wrong = verdicts.values().stream().filter(v -> v != null).count();
      progress.accept("served " + done + "/" + inScope.size() + " (" + batch.size() + " models for " + groups.size()
          + " tenant(s) in " + (System.nanoTime() - started) / 1_000_000 + " ms, " + wrong + " not served)");
      for (OnnxTestCase c : batch) {
        int at = indexOf(results, c.model());
        String verdict = verdicts.get(c.name());
        Result old = results.get(at);
        results.set(at, new Result(old.suite(), old.name(),
            verdict == null ? Outcome.SERVED_CORRECTLY : Outcome.NOT_SERVED, verdict));
      }
    }
    return Collections.unmodifiableList(results);
  }

  private static int indexOf(List<Result> results, Path model) {
    String suite = model.getParent().getParent().getFileName().toString();
    String name = model.getParent().getFileName().toString();
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).name().equals(name) && results.get(i).suite().equals(suite)) {
        return i;
      }
    }
    throw new IllegalStateException(name);
  }

  /** Div or Mod on an integer input: zeros (the host's own warm-up) raise SIGFPE in ONNX Runtime. */
  static boolean dividesIntegers(OnnxTestCase c) {
    boolean divides = c.opTypes().contains("Div") || c.opTypes().contains("Mod");
    return divides && c.inputs().stream().anyMatch(v -> INTEGER_TYPES.contains((int) v.elemType()));
  }

  private static final Set<Integer> INTEGER_TYPES = Set.of(2, 3, 4, 5, 6, 7, 12, 13);

  static boolean random(OnnxTestCase c) {
    return randomWhy(c) != null;
  }

  /** Which random operator the graph holds; Dropout counts in the training-mode tests (a random mask). */
  private static String randomWhy(OnnxTestCase c) {
    for (String op : c.opTypes()) {
      if (RANDOM_OPS.contains(op)) {
        return op;
      }
    }
    if (c.opTypes().contains("Dropout") && c.name().contains("training")) {
      return "Dropout in training mode";
    }
    return null;
  }
}
