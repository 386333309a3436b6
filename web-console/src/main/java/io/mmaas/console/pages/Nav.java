package io.mmaas.console.pages;

/** What the page header shows for a signed-in user, and the CSRF token of its sign-out form. */
public record Nav(String username, String roleLabel, String csrfToken) {}
