package io.mmaas.console.pages;

/** One entry of the main navigation. */
public record NavLink(String id, String href, String label, boolean active) {}
