package io.mmaas.console.session;

/**
 * A one-time message shown on the next page after a form was handled (post, redirect, get).
 *
 * @param ok true for success, false for a refusal or error
 */
public record Notice(boolean ok, String text) {
  public static Notice ok(String text) {
    return new Notice(true, text);
  }

  public static Notice error(String text) {
    return new Notice(false, text);
  }
}
