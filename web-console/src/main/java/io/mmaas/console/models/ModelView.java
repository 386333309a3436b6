package io.mmaas.console.models;

import io.mmaas.console.pages.Nav;
import java.util.List;

/**
 * One model: its description, aliases, versions (oldest first, as the API pages them), the upload widget and the
 * forms that set aliases, compare versions and delete the model.
 */
public record ModelView(Nav nav, String tenant, String name, String description, String href, List<VersionRow> versions,
    String nextPageHref, boolean laterPage, List<AliasRow> aliases) {

  /** The newest version shown, the default "to" of the compare form; 0 when there is none. */
  public long newest() {
    return versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
  }

  /** The version before the newest, the default "from" of the compare form. */
  public long previous() {
    return versions.size() < 2 ? newest() : versions.get(versions.size() - 2).version();
  }
}
