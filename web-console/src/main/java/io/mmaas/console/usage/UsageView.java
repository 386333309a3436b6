package io.mmaas.console.usage;

import io.mmaas.console.pages.Nav;
import java.util.List;

/**
 * A tenant's usage page.
 *
 * @param ranges the windows offered, with the chosen one marked
 * @param truncated whether the API cut the rows short (the charts then miss the newest buckets)
 * @param keys the window's usage per API key, busiest first
 * @param canEditQuota whether the quota form is shown (platform admins)
 */
public record UsageView(Nav nav, String tenant, String base, List<RangeLink> ranges, UsageRange range,
    List<LineChart> charts, long totalRequests, long totalErrors, long totalThrottled, String totalComputeText,
    boolean truncated, List<KeyUsage> keys, List<QuotaRow> quota, boolean canEditQuota, String csvHref, String quotaHref) {

  /** A link to the page over another window. */
  public record RangeLink(String label, String href, boolean active) {}
}
