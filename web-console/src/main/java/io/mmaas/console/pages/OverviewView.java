package io.mmaas.console.pages;

import io.mmaas.console.api.ApiUser;
import io.mmaas.console.deployments.DeploymentRow;
import java.util.List;

/**
 * The overview page: at a glance, the state of what the user is responsible for.
 *
 * @param tenants the tenants table, null when the user may not list tenants
 * @param nextPageHref the link to the next page of tenants, null on the last page
 * @param laterPage whether this is not the first page of tenants
 * @param fleet agents ready and in all, null when not shown
 * @param deployments the tenant's deployments (tenant admins), null when not shown
 * @param recentEvents the newest audit events (auditors), null when not shown
 */
public record OverviewView(Nav nav, ApiUser user, List<TenantRow> tenants, String nextPageHref, boolean laterPage,
    Fleet fleet, List<DeploymentRow> deployments, List<RecentEvent> recentEvents) {

  public OverviewView(Nav nav, ApiUser user, List<TenantRow> tenants, String nextPageHref, boolean laterPage) {
    this(nav, user, tenants, nextPageHref, laterPage, null, null, null);
  }

  /** How many agents hold a live lease, of how many. */
  public record Fleet(long ready, long total) {}

  /** One line of recent audit activity. */
  public record RecentEvent(long seq, String when, String actor, String action, String outcome) {}

  /** Deployments that are not READY, for the warning line. */
  public long deploymentsNotReady() {
    return deployments == null ? 0 : deployments.stream().filter(d -> !"READY".equals(d.state())).count();
  }
}
