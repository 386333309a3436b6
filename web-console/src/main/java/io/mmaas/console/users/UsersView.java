package io.mmaas.console.users;

import io.mmaas.console.pages.Nav;
import java.util.List;

/**
 * A users page: the platform's users (platform admins) or one tenant's users.
 *
 * @param tenant the tenant whose users these are, null for the platform-wide list
 * @param roles the roles the create form offers (what the API accepts on this path)
 * @param canToggle whether disable/enable buttons are shown (the API lets only platform admins do it)
 * @param canCreate whether the create form is shown (auditors may read the list but change nothing)
 */
public record UsersView(Nav nav, String tenant, List<UserRow> users, String nextPageHref, boolean laterPage,
    String firstPageHref, String formAction, List<String> roles, boolean canToggle,
    boolean canCreate) {}
