package io.mmaas.console.tenants;

import io.mmaas.console.pages.Nav;
import io.mmaas.console.pages.TenantRow;
import java.util.List;

/**
 * The tenants page.
 *
 * @param canCreate whether to show the create form (platform admins; auditors only read)
 */
public record TenantsView(Nav nav, List<TenantRow> tenants, String nextPageHref, boolean laterPage,
    boolean canCreate) {}
