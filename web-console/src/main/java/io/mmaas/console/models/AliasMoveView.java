package io.mmaas.console.models;

import io.mmaas.console.pages.Nav;

/**
 * Moving an alias needs confirmation: where it points now, where it would point, and the signature diff between
 * the two (null when the alias does not exist yet).
 */
public record AliasMoveView(Nav nav, String tenant, String model, String modelHref, String alias, Long currentVersion,
    long version, SignatureDiffRow diff) {}
