package io.mmaas.console.deployments;

import io.mmaas.console.pages.Nav;
import java.util.List;

/**
 * One deployment with its targets, replicas and the forms that change it.
 *
 * @param versions the model's version numbers, offered by the rollout form
 */
public record DeploymentView(Nav nav, String tenant, String base, DeploymentRow deployment, String playgroundHref,
    List<Long> versions) {}
