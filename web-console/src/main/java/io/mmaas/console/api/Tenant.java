package io.mmaas.console.api;

/**
 * A tenant as the admin API lists it. Every string here may have been set by a tenant: render it escaped.
 *
 * @param createdAt ISO-8601 as the API sent it
 */
public record Tenant(String id, String name, String displayName, String state, String createdAt) {}
