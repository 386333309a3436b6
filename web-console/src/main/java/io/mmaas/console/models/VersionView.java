package io.mmaas.console.models;

import io.mmaas.console.pages.Nav;

/** One version's page: hashes, sizes and the signature, with a form to deploy it. */
public record VersionView(Nav nav, String tenant, String model, String modelHref, String deploymentsHref,
    VersionRow version) {}
