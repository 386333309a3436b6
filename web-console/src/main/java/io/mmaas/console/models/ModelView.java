package io.mmaas.console.models;

import io.mmaas.console.pages.Nav;
import java.util.List;

/** One model: its description, versions (newest last, as the API pages them) and the upload widget. */
public record ModelView(Nav nav, String tenant, String name, String description, String href, List<VersionRow> versions,
    String nextPageHref, boolean laterPage) {}
