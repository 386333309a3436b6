package io.mmaas.console.models;

import io.mmaas.console.pages.Nav;
import java.util.List;

/** A tenant's models page. */
public record ModelsView(Nav nav, String tenant, String base, List<ModelRow> models, String nextPageHref,
    boolean laterPage) {}
