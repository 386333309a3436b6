package io.mmaas.console.deployments;

import io.mmaas.console.pages.Nav;

/** One deployment with its replicas. */
public record DeploymentView(Nav nav, String tenant, String base, DeploymentRow deployment, String playgroundHref) {}
