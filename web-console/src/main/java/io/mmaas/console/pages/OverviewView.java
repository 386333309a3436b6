package io.mmaas.console.pages;

import io.mmaas.console.api.ApiUser;
import java.util.List;

/**
 * The overview page.
 *
 * @param tenants the tenants table, null when the user may not list tenants
 * @param nextPageHref the link to the next page of tenants, null on the last page
 * @param laterPage whether this is not the first page of tenants
 */
public record OverviewView(Nav nav, ApiUser user, List<TenantRow> tenants, String nextPageHref, boolean laterPage) {}
