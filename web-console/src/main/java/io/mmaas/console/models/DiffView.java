package io.mmaas.console.models;

import io.mmaas.console.pages.Nav;

/** The signature diff between two versions of a model. */
public record DiffView(Nav nav, String tenant, String model, String modelHref, SignatureDiffRow diff) {}
