package io.mmaas.onnx;

/**
 * Caps on what reading one model may keep or recurse into. Uploaded files are untrusted: without these a small
 * hostile file could declare millions of inputs or nest subgraphs until the stack or heap runs out.
 */
final class ReadLimits {
  /** Inputs, outputs, opset imports, dimensions of one shape, external-data locations. */
  static final int MAX_ITEMS = 10_000;
  /** Names, domains, locations: anything read as a string. */
  static final int MAX_STRING_BYTES = 16 * 1024;
  /** Nested messages that are followed (graph, node, attribute, subgraph, ...). */
  static final int MAX_DEPTH = 64;
  /** Everything kept in memory across the whole read: strings and dimensions. */
  static final long MAX_RETAINED_BYTES = 16L * 1024 * 1024;

  private long retained;

  /** Accounts for bytes that will be kept until the signature is built. */
  void retain(long bytes) throws InvalidModelException {
    retained += bytes;
    if (retained > MAX_RETAINED_BYTES) {
      throw new InvalidModelException("The model's names and shapes take more than "
          + (MAX_RETAINED_BYTES >> 20) + " MiB; it is not a model the platform can serve.");
    }
  }

  /** Call before adding the next item to a list that already holds {@code size} items. */
  static void checkCount(int size, String what) throws InvalidModelException {
    if (size >= MAX_ITEMS) {
      throw new InvalidModelException("The model has more than " + MAX_ITEMS + " " + what
          + "; it is not a model the platform can serve.");
    }
  }

  static void checkDepth(int depth, long at) throws InvalidModelException {
    if (depth > MAX_DEPTH) {
      throw new InvalidModelException("Not a valid ONNX model: messages are nested more than " + MAX_DEPTH
          + " levels deep at byte " + at + ".");
    }
  }
}
