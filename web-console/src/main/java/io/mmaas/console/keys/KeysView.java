package io.mmaas.console.keys;

import io.mmaas.console.pages.Nav;
import java.util.List;

/** A tenant's API keys page: the create form and a page of keys with revoke and rotate. */
public record KeysView(Nav nav, String tenant, String base, List<KeyRow> keys, String nextPageHref,
    boolean laterPage) {}
