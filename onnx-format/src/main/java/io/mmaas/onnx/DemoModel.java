package io.mmaas.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the model the demo and quick-start deploy, so a fresh install has something real to serve without
 * downloading anything: {@code mlp(4, 8, 3, 42)}, FP32 [-1, 4] in, FP32 [-1, 3] out.
 */
public final class DemoModel {
  private DemoModel() {}

  /** Writes the demo model to the path given as args[0] and prints that path. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: DemoModel <output.onnx>");
      System.exit(2);
    }
    Path path = Path.of(args[0]).toAbsolutePath();
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      Files.write(path, bytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo model to " + path, e);
    }
    System.out.println(path);
  }

  static byte[] bytes() {
    return OnnxModels.mlp(4, 8, 3, 42);
  }
}
