package io.mmaas.console.pages;

/**
 * The sign-in page.
 *
 * @param csrfToken the token bound to the browser's pre-session cookie
 * @param username what the user typed, shown again after a failure; null on a fresh form
 * @param error why the last attempt failed; null on a fresh form
 */
public record LoginView(String csrfToken, String username, String error) {}
