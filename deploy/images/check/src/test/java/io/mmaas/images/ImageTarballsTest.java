package io.mmaas.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Opens each image tarball (docker-archive layout: manifest.json, the config, one tar per layer) and checks what a
 * cluster will run: the entrypoint and main class, a non-root user, a version tag (never latest), the base's layer
 * with its JRE and user, the application's layers, and which ONNX Runtime jar is on the classpath.
 */
class ImageTarballsTest {
  static final Path DIR = Path.of(System.getProperty("mmaas.images.dir", "..")).toAbsolutePath().normalize();
  static final String VERSION = System.getProperty("mmaas.version", "0.1.0-SNAPSHOT");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "control-plane, mmaas-control-plane, control-plane, io.mmaas.controlplane.app.Main, none",
      "agent-cpu, mmaas-agent, agent, io.mmaas.agent.app.Main, cpu",
      "agent-gpu, mmaas-agent-gpu, agent-gpu, io.mmaas.agent.app.Main, gpu",
      "console, mmaas-console, console, io.mmaas.console.app.Main, none"})
  @DisplayName("Each image runs its main class as uid 10001 on the JRE base, tagged with the version")
  void image(String module, String artifact, String repository, String mainClass, String onnxRuntime)
      throws IOException {
    Path tar = DIR.resolve(module).resolve("target").resolve(artifact + "-" + VERSION + ".tar");
    assertThat(tar).isRegularFile();
    Map<String, byte[]> entries = readTar(Files.newInputStream(tar), name -> name.endsWith(".json"));
    JsonObject manifest = new JsonArray(new String(entries.get("manifest.json"), StandardCharsets.UTF_8))
        .getJsonObject(0);
    assertThat(manifest.getJsonArray("RepoTags").getList()).containsExactly("mmaas/" + repository + ":" + VERSION);
    JsonObject config = new JsonObject(new String(entries.get(manifest.getString("Config")), StandardCharsets.UTF_8));
    JsonObject run = config.getJsonObject("config");
    assertThat(run.getString("User")).isEqualTo("10001:10001");
    List<Object> entrypoint = run.getJsonArray("Entrypoint").getList();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", mainClass);
    assertThat(run.getString("WorkingDir")).isEqualTo("/app");

    List<Object> layers = manifest.getJsonArray("Layers").getList();
    assertThat(config.getJsonObject("rootfs").getJsonArray("diff_ids")).hasSize(layers.size());
    assertThat(layers).as("the base plus Jib's dependency, resource, class and classpath layers").hasSizeGreaterThan(3);
    // the base: Debian's JRE 17 and the mmaas user
    Map<String, Long> base = listLayer(tar, (String) layers.get(0));
    assertThat(base).containsKey("usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    byte[] passwd = readLayerFile(tar, (String) layers.get(0), "etc/passwd");
    assertThat(new String(passwd, StandardCharsets.UTF_8)).contains("mmaas:x:10001:10001:");
    // the application: its jars under /app/libs, the classpath file the entrypoint reads
    Map<String, Long> app = new HashMap<>();
    for (Object layer : layers.subList(1, layers.size())) {
      app.putAll(listLayer(tar, (String) layer));
    }
    assertThat(app.keySet()).anyMatch(n -> n.startsWith("app/libs/") && n.endsWith(".jar"));
    assertThat(app.keySet()).anyMatch(n -> n.equals("app/jib-classpath-file") || n.equals("app/jib-main-class-file"));
    boolean cpu = app.keySet().stream().anyMatch(n -> n.matches("app/libs/onnxruntime-\\d.*\\.jar"));
    boolean gpu = app.keySet().stream().anyMatch(n -> n.matches("app/libs/onnxruntime_gpu-\\d.*\\.jar"));
    switch (onnxRuntime) {
      case "cpu" -> assertThat(cpu && !gpu).as("only the CPU jar").isTrue();
      case "gpu" -> assertThat(gpu && !cpu).as("only the GPU jar").isTrue();
      default -> assertThat(cpu || gpu).as("no ONNX Runtime").isFalse();
    }
  }

  // ---- a small tar reader (ustar, plus gzip when the layer is compressed) ----------------------------------------

  private static Map<String, Long> listLayer(Path tar, String layer) throws IOException {
    byte[] bytes = readTar(Files.newInputStream(tar), layer::equals).get(layer);
    Map<String, Long> out = new HashMap<>();
    walk(open(bytes), (name, size, in) -> out.put(strip(name), size));
    return out;
  }

  private static byte[] readLayerFile(Path tar, String layer, String file) throws IOException {
    byte[] bytes = readTar(Files.newInputStream(tar), layer::equals).get(layer);
    Map<String, byte[]> found = readTar(open(bytes), n -> strip(n).equals(file));
    return found.values().iterator().next();
  }

  private static InputStream open(byte[] bytes) throws IOException {
    InputStream in = new java.io.ByteArrayInputStream(bytes);
    return bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b ? new GZIPInputStream(in) : in;
  }

  private static String strip(String name) {
    return name.startsWith("./") ? name.substring(2) : name.startsWith("/") ? name.substring(1) : name;
  }

  interface EntryHandler {
    void entry(String name, long size, InputStream content) throws IOException;
  }

  private static Map<String, byte[]> readTar(InputStream raw, Predicate<String> wanted) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    walk(raw, (name, size, in) -> {
      if (wanted.test(name) || wanted.test(strip(name))) {
        out.put(strip(name), in.readNBytes((int) size));
      }
    });
    return out;
  }

  private static void walk(InputStream raw, EntryHandler handler) throws IOException {
    try (InputStream in = new BufferedInputStream(raw, 1 << 16)) {
      byte[] header = new byte[512];
      String longName = null;
      while (in.readNBytes(header, 0, 512) == 512) {
        if (header[0] == 0) {
          break;
        }
        String name = longName != null ? longName : string(header, 0, 100);
        longName = null;
        String prefix = string(header, 345, 155);
        if (!prefix.isEmpty() && name.indexOf('/') != name.length() - 1) {
          name = prefix + "/" + name;
        }
        long size = octal(header, 124, 12);
        char type = (char) header[156];
        byte[] content = in.readNBytes((int) size);
        in.skipNBytes((512 - size % 512) % 512);
        if (type == 'L') {
          longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
        } else if (type == 'x' || type == 'g') {
          String path = paxPath(content);
          if (path != null) {
            longName = path;
          }
        } else {
          handler.entry(name, size, new java.io.ByteArrayInputStream(content));
        }
      }
    }
  }

  private static String paxPath(byte[] content) {
    for (String record : new String(content, StandardCharsets.UTF_8).split("\n")) {
      int eq = record.indexOf(" path=");
      if (eq > 0) {
        return record.substring(eq + 6);
      }
    }
    return null;
  }

  private static String string(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int off, int len) {
    String s = string(b, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }
}
