package io.mmaas.console.pages;

/**
 * A secret shown exactly once (an API key, an enrollment token, a generated password), with a copy button. The
 * console keeps no copy: the page is answered to the POST that created it and is never cached.
 *
 * @param facts label and value pairs shown above the secret (already plain text)
 */
public record SecretView(Nav nav, String title, String label, String secret, String explanation,
    java.util.List<Fact> facts, String backHref, String backLabel) {

  /** A line of context next to the secret. */
  public record Fact(String label, String value) {}
}
