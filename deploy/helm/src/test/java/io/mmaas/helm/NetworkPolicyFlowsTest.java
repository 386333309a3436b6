package io.mmaas.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.mmaas.helm.NetworkPolicies.Endpoint;
import io.mmaas.helm.NetworkPolicies.Port;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chart's NetworkPolicies, evaluated over a modelled cluster (the release's pods as the chart labels them, plus
 * PostgreSQL, S3, DNS, Prometheus, an ingress controller and the internet), allow exactly the flows MMaaS needs.
 */
class NetworkPolicyFlowsTest {
  private static final Map<String, Map<String, String>> NAMESPACES = Map.of(
      Chart.NAMESPACE, Map.of("kubernetes.io/metadata.name", Chart.NAMESPACE),
      "kube-system", Map.of("kubernetes.io/metadata.name", "kube-system"),
      "monitoring", Map.of("kubernetes.io/metadata.name", "monitoring"),
      "ingress-nginx", Map.of("kubernetes.io/metadata.name", "ingress-nginx"),
      "storage", Map.of("kubernetes.io/metadata.name", "storage"));

  /** The release's pods with the ports they listen on, labelled from the rendered pod templates. */
  private static List<Endpoint> cluster(Chart.Rendered r) {
    Map<String, List<Port>> ports = Map.of(
        "admin", List.of(Port.tcp(8080, "admin"), Port.tcp(8082, "internal"), Port.tcp(9464, "metrics")),
        "gateway", List.of(Port.tcp(8081, "gateway"), Port.tcp(8082, "internal"), Port.tcp(9464, "metrics")),
        "agent-api", List.of(Port.tcp(8082, "internal"), Port.tcp(9464, "metrics")),
        "scheduler", List.of(Port.tcp(8082, "internal"), Port.tcp(9464, "metrics")),
        "agent", List.of(Port.tcp(9090, "agent"), Port.tcp(9100), Port.tcp(9163), Port.tcp(9164)),
        "console", List.of(Port.tcp(8090, "console")),
        "migrate", List.of());
    List<Endpoint> out = new ArrayList<>();
    for (Workload w : Workload.of(r)) {
      String name = w.component().equals("agent") ? "agent-" + w.podLabels().get("mmaas.io/pool") : w.component();
      out.add(new Endpoint(name, Chart.NAMESPACE, w.podLabels(), null, ports.get(w.component())));
    }
    out.add(new Endpoint("postgres", null, Map.of(), "10.20.1.5", List.of(Port.tcp(5432))));
    out.add(new Endpoint("s3", "storage", Map.of("app", "minio"), null, List.of(Port.tcp(9000))));
    out.add(new Endpoint("aws-s3", null, Map.of(), "52.95.1.10", List.of(Port.tcp(443))));
    out.add(new Endpoint("dns", "kube-system", Map.of("k8s-app", "kube-dns"), null,
        List.of(Port.udp(53), Port.tcp(53))));
    out.add(new Endpoint("prometheus", "monitoring", Map.of("app", "prometheus"), null, List.of()));
    out.add(new Endpoint("ingress", "ingress-nginx", Map.of("app", "ingress-nginx"), null, List.of()));
    out.add(new Endpoint("internet", null, Map.of(), "203.0.113.7", List.of()));
    out.add(new Endpoint("other-app", Chart.NAMESPACE, Map.of("app", "unrelated"), null, List.of(Port.tcp(8080))));
    return out;
  }

  private static TreeSet<String> flows(String valueSet) {
    Chart.Rendered r = Chart.render(valueSet);
    return new NetworkPolicies(r.all(NetworkPolicy.class), NAMESPACES).flows(cluster(r));
  }

  private static Set<String> dns(String... sources) {
    Set<String> out = new TreeSet<>();
    for (String s : sources) {
      out.add(s + " -> dns:53");
      out.add(s + " -> dns:53/UDP");
    }
    return out;
  }

  @Test
  @DisplayName("With ingress and Prometheus named, exactly the needed flows are allowed and nothing else")
  void exactFlows() {
    Set<String> expected = new TreeSet<>(List.of(
        // clients through the ingress controller
        "ingress -> admin:8080", "ingress -> gateway:8081", "ingress -> console:8090",
        // the console calls the admin API with the user's token, and the gateway for the playground
        "console -> admin:8080", "console -> gateway:8081",
        // the gateways call the model hosts, the agents the agent API
        "gateway -> agent-cpu:9100", "gateway -> agent-cpu:9163", "agent-cpu -> agent-api:8082",
        // metrics
        "prometheus -> admin:9464", "prometheus -> gateway:9464", "prometheus -> agent-api:9464",
        "prometheus -> scheduler:9464", "prometheus -> agent-cpu:9090",
        // PostgreSQL: every control-plane role and the migration, nothing else
        "admin -> postgres:5432", "gateway -> postgres:5432", "agent-api -> postgres:5432",
        "scheduler -> postgres:5432", "migrate -> postgres:5432",
        // the rest of the namespace is not ours to restrict: the unrelated pod keeps its own (no) policy
        "ingress -> other-app:8080", "prometheus -> other-app:8080", "internet -> other-app:8080",
        "postgres -> other-app:8080", "aws-s3 -> other-app:8080", "s3 -> other-app:8080", "dns -> other-app:8080"));
    expected.addAll(dns("admin", "gateway", "agent-api", "scheduler", "agent-cpu", "console", "migrate"));
    // outside the release nothing is restricted: e.g. Prometheus may reach DNS; those flows are not the chart's
    TreeSet<String> actual = flows("service-monitor");
    actual.removeIf(f -> !involvesRelease(f) && !f.endsWith("other-app:8080"));
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  @DisplayName("By default the public ports are open to any source, metrics to the cluster, and the rest stays shut")
  void defaults() {
    TreeSet<String> f = flows("default");
    // the metrics have a port of their own: the default metricsFrom (any pod in the cluster) reaches them, and not
    // the agent API or the health checks on the internal port
    assertThat(f).contains("other-app -> agent-api:9464", "other-app -> scheduler:9464");
    assertThat(f).contains("internet -> admin:8080", "internet -> gateway:8081", "internet -> console:8090",
        "prometheus -> gateway:9464", "gateway -> agent-cpu:9100", "agent-cpu -> agent-api:8082",
        "admin -> postgres:5432");
    assertThat(f).doesNotContain("other-app -> agent-api:8082", "prometheus -> agent-api:8082",
        "other-app -> admin:8082", "prometheus -> gateway:8082", "internet -> agent-api:9464",
        "internet -> admin:8082", "internet -> agent-api:8082",
        "internet -> agent-cpu:9090", "internet -> agent-cpu:9100",
        "gateway -> agent-cpu:9164", "gateway -> agent-cpu:9090", "gateway -> admin:8080",
        "agent-cpu -> postgres:5432", "agent-cpu -> admin:8080", "agent-cpu -> gateway:8081",
        "console -> postgres:5432", "console -> agent-api:8082", "other-app -> agent-cpu:9100", "admin -> aws-s3:443", "scheduler -> agent-cpu:9100");
  }

  @Test
  @DisplayName("With S3, only admin, agent-api and scheduler reach the store, on its port")
  void blobStoreFlows() {
    TreeSet<String> f = flows("s3");
    assertThat(f.stream().filter(x -> x.contains(" -> s3:") && involvesRelease(x))).containsExactlyInAnyOrder(
        "admin -> s3:9000", "agent-api -> s3:9000", "scheduler -> s3:9000");
    assertThat(f).doesNotContain("admin -> aws-s3:443", "gateway -> s3:9000");
    TreeSet<String> byDefaultPorts = flows("existing-secrets");
    assertThat(byDefaultPorts).contains("admin -> aws-s3:443", "scheduler -> aws-s3:443")
        .doesNotContain("gateway -> aws-s3:443", "agent-cpu -> aws-s3:443");
    // the database named by CIDR: only that address
    assertThat(byDefaultPorts).contains("admin -> postgres:5432");
  }

  @Test
  @DisplayName("Every pool's agents get the same flows; GPU pools add no new ones")
  void gpuPools() {
    TreeSet<String> f = flows("gpu-pools");
    for (String pool : List.of("agent-cpu", "agent-a100", "agent-h100")) {
      assertThat(f).contains("gateway -> " + pool + ":9100", pool + " -> agent-api:8082", pool + " -> dns:53/UDP")
          .doesNotContain(pool + " -> postgres:5432", "gateway -> " + pool + ":9090");
    }
    assertThat(f).doesNotContain("agent-a100 -> agent-h100:9100", "agent-cpu -> agent-a100:9100");
  }

  private static final Set<String> OUTSIDE = Set.of("postgres", "s3", "aws-s3", "dns", "prometheus", "ingress",
      "internet", "other-app");

  private static boolean involvesRelease(String flow) {
    String src = flow.substring(0, flow.indexOf(" -> "));
    String dst = flow.substring(flow.indexOf(" -> ") + 4, flow.lastIndexOf(':'));
    return !OUTSIDE.contains(src) || !OUTSIDE.contains(dst);
  }
}
