package io.mmaas.onnx;

/**
 * The one rule for paths a model names inside its own folder: external-data locations and archive entry names. A
 * safe path is one or more segments joined by {@code /}, each of ASCII letters, digits, {@code .}, {@code _} and
 * {@code -}, none {@code .} or {@code ..}, at most {@value #MAX_SEGMENT_LENGTH} characters each and
 * {@value #MAX_LENGTH} in all. So nothing absolute, no drive letter, no backslash, no control character, no
 * {@code *}: ONNX Runtime treats {@code *}{@code /_ORT_MEM_ADDR_/*} (and similar markers) as "the offset is a raw
 * memory address", and a path that only has to stay inside the folder would let such a marker through. The control
 * plane applies it at upload and the agent again before it loads a model.
 */
public final class SafeLocation {
  /** The longest segment accepted (a common file-name limit). */
  public static final int MAX_SEGMENT_LENGTH = 255;
  /** The longest path accepted. */
  public static final int MAX_LENGTH = 1024;
  /** What a safe path is made of, for messages. */
  public static final String ALLOWED = "allowed: path segments of letters, digits, '.', '_', '-'";

  private SafeLocation() {}

  /** Whether {@code path} is a safe relative path under the rule above. */
  public static boolean isSafe(String path) {
    if (path == null || path.isEmpty() || path.length() > MAX_LENGTH) {
      return false;
    }
    int segmentStart = 0;
    for (int i = 0; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        if (!safeSegment(path, segmentStart, i)) {
          return false;
        }
        segmentStart = i + 1;
      } else if (!allowedChar(path.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Fails unless {@code path} is safe, with a message that starts with {@code field} (what the path is, for example
   * {@code initializer 'w': external data location}) and shows the path without control characters.
   */
  public static void check(String field, String path) throws InvalidModelException {
    if (!isSafe(path)) {
      throw new InvalidModelException(describe(field, path));
    }
  }

  /** The refusal message for an unsafe {@code path}. */
  public static String describe(String field, String path) {
    return field + " '" + printable(path == null ? "" : path) + "' is not a safe relative path (" + ALLOWED + ")";
  }

  private static boolean safeSegment(String path, int from, int to) {
    int length = to - from;
    if (length == 0 || length > MAX_SEGMENT_LENGTH) {
      return false;
    }
    boolean dots = path.charAt(from) == '.' && (length == 1 || (length == 2 && path.charAt(from + 1) == '.'));
    return !dots;
  }

  private static boolean allowedChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
        || c == '-';
  }

  /** Makes an untrusted string safe to put in a message: printable ASCII only ('?' for the rest), bounded length. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && out.length() < 200; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > 200 ? out + "..." : out.toString();
  }
}
