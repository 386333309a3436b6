/**
 * The node's supervisor of model hosts (controller pattern): which hosts the desired replicas need (one per tenant by
 * default, see {@link io.mmaas.agent.hosts.Isolation}), the host processes observed, and the actions — start a host,
 * load and unload replicas in it over {@link io.mmaas.agent.modelhost.HostProtocol}, stop a host left empty, restart
 * one that died with backoff — with every death explained ({@link io.mmaas.agent.hosts.CrashReason}) and put down to
 * the replica that was running ({@link io.mmaas.agent.modelhost.FlightRecorder}). Memory and thread ceilings per host
 * come from {@link io.mmaas.agent.hosts.HostLimits}.
 */
package io.mmaas.agent.hosts;
