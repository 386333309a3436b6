package io.mmaas.console.deployments;

import io.mmaas.console.pages.Nav;
import java.util.List;

/**
 * A tenant's deployments page.
 *
 * @param modelNames the tenant's models, offered by the create form
 */
public record DeploymentsView(Nav nav, String tenant, String base, List<DeploymentRow> deployments,
    List<String> modelNames, String nextPageHref, boolean laterPage) {}
