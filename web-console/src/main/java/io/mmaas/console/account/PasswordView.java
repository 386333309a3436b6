package io.mmaas.console.account;

import io.mmaas.console.pages.Nav;

/** The change-password form; {@code error} says why the last attempt failed, or is null. */
public record PasswordView(Nav nav, String error) {}
