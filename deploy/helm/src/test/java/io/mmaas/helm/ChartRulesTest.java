package io.mmaas.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The chart's objects, rendered under each value set, keep the house rules and say what the code reads. */
class ChartRulesTest {
  static final List<String> VALUE_SETS = Chart.VALUE_SETS;

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  @DisplayName("Every object parses strictly against the Kubernetes schemas, with a unique kind and name")
  void objectsParseStrictly(String valueSet) {
    Chart.Rendered r = Chart.render(valueSet);
    assertThat(r.objects()).isNotEmpty();
    Set<String> seen = new HashSet<>();
    r.each(o -> {
      assertThat(seen.add(o.getKind() + "/" + o.getMetadata().getName())).as("duplicate %s", o.getMetadata().getName())
          .isTrue();
      assertThat(o.getMetadata().getName()).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
      assertThat(o.getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", Chart.RELEASE);
    });
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  @DisplayName("Every container has resources, a non-root user and a read-only root; long-running ones all three probes")
  void containersKeepTheHouseRules(String valueSet) {
    for (Workload w : Workload.of(Chart.render(valueSet))) {
      PodSpec pod = w.template().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(w.name()).isTrue();
      assertThat(pod.getAutomountServiceAccountToken()).as(w.name() + " mounts no API token").isFalse();
      List<Container> containers = Stream.concat(pod.getContainers().stream(),
          pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream()).toList();
      for (Container c : containers) {
        String where = w.kind() + " " + w.name() + "/" + c.getName();
        SecurityContext sc = c.getSecurityContext();
        assertThat(sc).as(where).isNotNull();
        assertThat(sc.getRunAsNonRoot()).as(where + " runAsNonRoot").isTrue();
        assertThat(sc.getRunAsUser()).as(where + " runAsUser").isNotNull().isNotZero();
        assertThat(sc.getAllowPrivilegeEscalation()).as(where).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).as(where + " readOnlyRootFilesystem").isTrue();
        assertThat(sc.getCapabilities().getDrop()).as(where).contains("ALL");
        assertThat(c.getResources().getRequests()).as(where + " requests").containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(where + " limits").containsKey("memory");
        assertThat(c.getImage()).as(where + " image").matches("[^:@]+:[A-Za-z0-9_][A-Za-z0-9_.-]*")
            .doesNotEndWith(":latest");
        if (w.longRunning()) {
          assertThat(c.getStartupProbe()).as(where + " startupProbe").isNotNull();
          assertThat(c.getReadinessProbe()).as(where + " readinessProbe").isNotNull();
          assertThat(c.getLivenessProbe()).as(where + " livenessProbe").isNotNull();
          assertThat(c.getReadinessProbe().getHttpGet().getPath()).as(where).matches(".*(health/ready|/login)");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  @DisplayName("Every Deployment or StatefulSet with more than one replica has a PodDisruptionBudget selecting its pods")
  void replicatedWorkloadsHaveBudgets(String valueSet) {
    Chart.Rendered r = Chart.render(valueSet);
    List<PodDisruptionBudget> budgets = r.all(PodDisruptionBudget.class);
    for (Workload w : Workload.of(r)) {
      if (!w.longRunning() || w.replicas() <= 1) {
        continue;
      }
      assertThat(budgets).as(w.name() + " has a PDB").anySatisfy(pdb -> {
        assertThat(w.podLabels()).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsKey("app.kubernetes.io/component");
      });
    }
    budgets.forEach(pdb -> assertThat(Workload.of(r)).as("PDB %s selects a workload", pdb.getMetadata().getName())
        .anyMatch(w -> w.podLabels().entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet())));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  @DisplayName("Every variable the chart sets is in the README's configuration table and read by the code")
  void environmentIsWhatTheCodeReads(String valueSet) throws IOException {
    Chart.Rendered r = Chart.render(valueSet);
    Set<String> documented = readmeVariables();
    Set<String> read = variablesTheCodeReads();
    Set<String> set = new TreeSet<>();
    for (Workload w : Workload.of(r)) {
      for (Container c : w.template().getSpec().getContainers()) {
        if (c.getEnv() != null) {
          c.getEnv().stream().map(EnvVar::getName).forEach(set::add);
        }
        if (c.getEnvFrom() != null) {
          for (EnvFromSource from : c.getEnvFrom()) {
            set.addAll(r.one(ConfigMap.class, from.getConfigMapRef().getName()).getData().keySet());
          }
        }
      }
    }
    assertThat(set).contains("MMAAS_ROLES", "MMAAS_DATABASE_URL", "MMAAS_AGENT_CONTROL_PLANE_URL");
    for (String name : set) {
      assertThat(documented).as("%s is in the README's configuration table", name).contains(name);
      assertThat(read).as("%s is read by control-plane, runtime-agent or web-console", name).contains(name);
    }
  }

  @Test
  @DisplayName("Each control-plane role is a Deployment of its own that does not migrate; the migration is a hook Job first")
  void rolesAndMigration() {
    Chart.Rendered r = Chart.render("default");
    Map<String, String> roles = Map.of("admin", "admin", "gateway", "gateway", "agent-api", "agent-api",
        "scheduler", "scheduler");
    roles.forEach((component, role) -> {
      Deployment d = r.one(Deployment.class, "prod-mmaas-" + component);
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(env(c, "MMAAS_ROLES")).isEqualTo(role);
      assertThat(env(c, "MMAAS_MIGRATE")).isEqualTo("false");
    });
    assertThat(r.one(Deployment.class, "prod-mmaas-gateway").getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(r.one(Deployment.class, "prod-mmaas-admin").getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    Job job = r.one(Job.class, "prod-mmaas-migrate");
    assertThat(r.manifest()).doesNotContain("helm.sh/hook");
    Container migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(migrate, "MMAAS_ROLES")).isEqualTo("migrate");
    assertThat(migrate.getEnv()).noneMatch(e -> e.getName().contains("SECRET") || e.getName().contains("KEY"));
    // the hook runs before the release's objects exist: what it reads must be a hook too (or the operator's)
    String secret = migrate.getEnv().stream().filter(e -> e.getName().equals("MMAAS_MIGRATION_DATABASE_URL"))
        .findFirst().orElseThrow().getValueFrom().getSecretKeyRef().getName();
    assertThat(secret).isEqualTo("prod-mmaas-migrate");
    assertThat(r.one(Secret.class, secret).getData()).containsKey("migrationUrl");
    assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName()).isNull();
  }

  @Test
  @DisplayName("Each role gets only the secrets it reads; generated ones are long enough and the audit key is Ed25519")
  void secretsPerRole() throws Exception {
    Chart.Rendered r = Chart.render("default");
    assertThat(secretEnv(r, "admin")).containsExactlyInAnyOrder("MMAAS_DATABASE_URL", "MMAAS_AUDIT_SIGNING_KEY",
        "MMAAS_JWT_SECRET", "MMAAS_JWT_KEYS", "MMAAS_ADMIN_PASSWORD");
    assertThat(secretEnv(r, "gateway")).containsExactlyInAnyOrder("MMAAS_DATABASE_URL", "MMAAS_AUDIT_SIGNING_KEY",
        "MMAAS_AGENT_SERVING_SECRETS", "MMAAS_AGENT_SERVING_SECRET");
    assertThat(secretEnv(r, "agent-api")).containsExactlyInAnyOrder("MMAAS_DATABASE_URL", "MMAAS_AUDIT_SIGNING_KEY",
        "MMAAS_AGENT_SERVING_SECRETS", "MMAAS_AGENT_SERVING_SECRET");
    assertThat(secretEnv(r, "scheduler")).containsExactlyInAnyOrder("MMAAS_DATABASE_URL", "MMAAS_AUDIT_SIGNING_KEY");
    Container console = r.one(Deployment.class, "prod-mmaas-console").getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(console.getEnv()).filteredOn(e -> e.getValueFrom() != null).extracting(EnvVar::getName)
        .containsExactly("MMAAS_CONSOLE_SESSION_KEYS");
    Map<String, String> data = r.one(Secret.class, "prod-mmaas-secrets").getData();
    assertThat(decode(data.get("jwtSecret")).length()).isGreaterThanOrEqualTo(32);
    assertThat(decode(data.get("adminPassword")).length()).isGreaterThanOrEqualTo(12);
    byte[] der = Base64.getDecoder().decode(decode(data.get("auditSigningKey")));
    assertThat(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der)).getAlgorithm())
        .isIn("Ed25519", "EdDSA");
    // given values are used as they are
    String given = "given-jwt-secret-of-more-than-32-bytes-0123456789";
    assertThat(decode(Chart.render("default", Map.of("secrets.jwtSecret", given))
        .one(Secret.class, "prod-mmaas-secrets").getData().get("jwtSecret"))).isEqualTo(given);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  @DisplayName("Keys and passwords reach the pods only from Secrets, never from the ConfigMap or a plain value")
  void secretsOnlyFromSecrets(String valueSet) {
    Chart.Rendered r = Chart.render(valueSet);
    for (ConfigMap m : r.all(ConfigMap.class)) {
      assertThat(m.getData().keySet()).as("ConfigMap %s", m.getMetadata().getName()).doesNotContainAnyElementsOf(
          SECRET_VARIABLES);
    }
    for (Workload w : Workload.of(r)) {
      for (Container c : w.template().getSpec().getContainers()) {
        c.getEnv().stream().filter(e -> SECRET_VARIABLES.contains(e.getName())).forEach(e -> {
          assertThat(e.getValue()).as("%s/%s %s is no plain value", w.name(), c.getName(), e.getName()).isNull();
          assertThat(e.getValueFrom().getSecretKeyRef()).as("%s/%s %s", w.name(), c.getName(), e.getName())
              .isNotNull();
        });
      }
    }
  }

  @Test
  @DisplayName("The schema refuses a key or password put in config or extraEnv, where it would be a plain value")
  void secretsRefusedAsPlainValues() {
    String key = "s2:" + "k".repeat(40);
    // (Helm's validator names the property but not where it is)
    assertThatThrownBy(() -> Chart.render("default", Map.of("config.MMAAS_CONSOLE_SESSION_KEYS", key)))
        .hasMessageContaining("invalid propertyName 'MMAAS_CONSOLE_SESSION_KEYS'");
    assertThatThrownBy(() -> Chart.render("default",
        Map.of("controlPlane.extraEnv.MMAAS_AGENT_SERVING_SECRETS", "x".repeat(40))))
        .hasMessageContaining("invalid propertyName 'MMAAS_AGENT_SERVING_SECRETS'");
    // the same names stay allowed for settings that are not secret
    assertThat(env(Chart.render("default", Map.of("config.MMAAS_USAGE_FLUSH_MS", "2000")).one(Deployment.class,
        "prod-mmaas-gateway").getSpec().getTemplate().getSpec().getContainers().get(0), "MMAAS_ROLES"))
        .isEqualTo("gateway");
  }

  @Test
  @DisplayName("Console: two replicas by default, spread, with a budget; all share session keys from the key Secret")
  void consoleReplicasShareSealedSessions() {
    Chart.Rendered r = Chart.render("default");
    Deployment console = r.one(Deployment.class, "prod-mmaas-console");
    assertThat(console.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    Map<String, String> podLabels = console.getSpec().getTemplate().getMetadata().getLabels();
    PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class, "prod-mmaas-console");
    assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(console.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .anySatisfy(t -> {
          assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
          assertThat(podLabels).containsAllEntriesOf(t.getLabelSelector().getMatchLabels());
          assertThat(t.getLabelSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "console");
        });
    Container c = console.getSpec().getTemplate().getSpec().getContainers().get(0);
    SecretKeySelector ref = secretRef(c, "MMAAS_CONSOLE_SESSION_KEYS");
    assertThat(ref.getName()).isEqualTo("prod-mmaas-secrets");
    assertThat(ref.getOptional()).as("without the keys each pod would seal with its own random key").isNotEqualTo(true);
    String generated = decode(r.one(Secret.class, ref.getName()).getData().get(ref.getKey()));
    assertThat(generated.split(",")).singleElement().satisfies(entry -> {
      assertThat(entry).matches(SESSION_KEY_ENTRY);
      assertThat(entry.substring(entry.indexOf(':') + 1).getBytes(StandardCharsets.UTF_8)).hasSizeGreaterThanOrEqualTo(32);
    });
    assertThat(r.manifest()).doesNotContainIgnoringCase("sticky");
    // a given list (rotation: new key first) is stored as it is; a short secret is refused
    String given = "s2:" + "n".repeat(40) + ",s1:" + "o".repeat(40);
    assertThat(decode(Chart.render("default", Map.of("secrets.consoleSessionKeys", given))
        .one(Secret.class, "prod-mmaas-secrets").getData().get("consoleSessionKeys"))).isEqualTo(given);
    assertThatThrownBy(() -> Chart.render("default", Map.of("secrets.consoleSessionKeys", "s1:short")))
        .hasMessageContaining("consoleSessionKeys");
    // with an existing Secret the console reads the operator's
    assertThat(secretRef(Chart.render("existing-secrets").one(Deployment.class, "prod-mmaas-console").getSpec()
        .getTemplate().getSpec().getContainers().get(0), "MMAAS_CONSOLE_SESSION_KEYS").getName())
        .isEqualTo("platform-keys");
  }

  @Test
  @DisplayName("Gateways and agent-api read the serving secrets as a list from the key Secret (the single one as fallback)")
  void servingSecretsForRotation() {
    Chart.Rendered r = Chart.render("default");
    for (String component : List.of("gateway", "agent-api")) {
      Container c = r.one(Deployment.class, "prod-mmaas-" + component).getSpec().getTemplate().getSpec()
          .getContainers().get(0);
      SecretKeySelector list = secretRef(c, "MMAAS_AGENT_SERVING_SECRETS");
      assertThat(list.getName()).isEqualTo("prod-mmaas-secrets");
      assertThat(list.getKey()).isEqualTo("agentServingSecrets");
      // Secrets of older charts hold only the single secret: both are optional, and the code reads the list first
      assertThat(list.getOptional()).isTrue();
      SecretKeySelector single = secretRef(c, "MMAAS_AGENT_SERVING_SECRET");
      assertThat(single.getKey()).isEqualTo("agentServingSecret");
      assertThat(single.getOptional()).isTrue();
    }
    Map<String, String> data = r.one(Secret.class, "prod-mmaas-secrets").getData();
    assertThat(decode(data.get("agentServingSecrets")).split(",")).singleElement()
        .satisfies(s -> assertThat(s.getBytes(StandardCharsets.UTF_8)).hasSizeGreaterThanOrEqualTo(32));
    assertThat(data).doesNotContainKey("agentServingSecret");
    String newer = "n".repeat(40);
    String older = "o".repeat(40);
    assertThat(decode(Chart.render("default", Map.of("secrets.agentServingSecrets", newer + "," + older))
        .one(Secret.class, "prod-mmaas-secrets").getData().get("agentServingSecrets"))).isEqualTo(newer + "," + older);
    assertThat(decode(Chart.render("default", Map.of("secrets.agentServingSecret", older))
        .one(Secret.class, "prod-mmaas-secrets").getData().get("agentServingSecrets"))).isEqualTo(older);
    assertThatThrownBy(() -> Chart.render("default", Map.of("secrets.agentServingSecrets", newer + ",short")))
        .hasMessageContaining("agentServingSecrets");
    for (String component : List.of("admin", "scheduler")) {
      assertThat(secretEnv(r, component)).noneMatch(n -> n.startsWith("MMAAS_AGENT_SERVING"));
    }
    assertThat(Chart.render("default").one(Deployment.class, "prod-mmaas-console").getSpec().getTemplate().getSpec()
        .getContainers().get(0).getEnv()).noneMatch(e -> e.getName().startsWith("MMAAS_AGENT_SERVING"));
  }

  @Test
  @DisplayName("Two schedulers by default with a budget (one leads, the other takes over); the lease is a value")
  void schedulersShareTheLeaderLease() {
    Chart.Rendered r = Chart.render("default");
    Deployment scheduler = r.one(Deployment.class, "prod-mmaas-scheduler");
    assertThat(scheduler.getSpec().getReplicas()).isEqualTo(2);
    assertThat(scheduler.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(
        r.one(PodDisruptionBudget.class, "prod-mmaas-scheduler").getSpec().getSelector().getMatchLabels());
    Container c = scheduler.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(c, "MMAAS_LEADER_LEASE_SECONDS")).isEqualTo("4");
    for (String component : List.of("admin", "gateway", "agent-api")) {
      assertThat(r.one(Deployment.class, "prod-mmaas-" + component).getSpec().getTemplate().getSpec().getContainers()
          .get(0).getEnv()).noneMatch(e -> e.getName().equals("MMAAS_LEADER_LEASE_SECONDS"));
    }
    assertThat(r.one(ConfigMap.class, "prod-mmaas-config").getData()).doesNotContainKey("MMAAS_LEADER_LEASE_SECONDS");
    assertThat(env(Chart.render("default", Map.of("controlPlane.scheduler.leaderLeaseSeconds", "10"))
        .one(Deployment.class, "prod-mmaas-scheduler").getSpec().getTemplate().getSpec().getContainers().get(0),
        "MMAAS_LEADER_LEASE_SECONDS")).isEqualTo("10");
    // the code refuses less than 2 s
    assertThatThrownBy(() -> Chart.render("default", Map.of("controlPlane.scheduler.leaderLeaseSeconds", "1")))
        .hasMessageContaining("leaderLeaseSeconds");
  }

  @Test
  @DisplayName("With existing secrets the chart creates none and every reference names the operator's Secrets")
  void existingSecrets() {
    Chart.Rendered r = Chart.render("existing-secrets");
    assertThat(r.all(Secret.class)).isEmpty();
    Set<String> referenced = new TreeSet<>();
    for (Workload w : Workload.of(r)) {
      for (Container c : w.template().getSpec().getContainers()) {
        c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
            .forEach(e -> referenced.add(e.getValueFrom().getSecretKeyRef().getName()));
      }
    }
    assertThat(referenced).containsExactlyInAnyOrder("platform-keys", "platform-db", "platform-s3",
        "platform-agent-enrollment");
  }

  @Test
  @DisplayName("GPU pools are StatefulSets on the GPU image requesting nvidia.com/gpu on their nodes; the CPU pool is not")
  void gpuPools() {
    Chart.Rendered r = Chart.render("gpu-pools");
    StatefulSet a100 = r.one(StatefulSet.class, "prod-mmaas-agent-a100");
    Container c = a100.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).startsWith("mmaas/agent-gpu:");
    assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(c.getResources().getRequests()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(a100.getSpec().getTemplate().getSpec().getNodeSelector())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB");
    assertThat(a100.getSpec().getTemplate().getSpec().getTolerations())
        .anyMatch(t -> t.getKey().equals("nvidia.com/gpu") && t.getEffect().equals("NoSchedule"));
    assertThat(env(c, "MMAAS_AGENT_EXECUTION_PROVIDER")).isEqualTo("cuda");
    assertThat(env(c, "MMAAS_AGENT_ADVERTISE_URL"))
        .isEqualTo("http://$(MMAAS_AGENT_NAME).prod-mmaas-agent-a100.serving.svc:9090");
    assertThat(c.getEnv().get(0).getName()).as("the advertise URL's $(MMAAS_AGENT_NAME) is defined before it")
        .isEqualTo("MMAAS_AGENT_NAME");
    assertThat(r.one(StatefulSet.class, "prod-mmaas-agent-h100").getSpec().getTemplate().getSpec().getContainers()
        .get(0).getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("8"));
    assertThat(a100.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()).singleElement()
        .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    Container cpu = r.one(StatefulSet.class, "prod-mmaas-agent-cpu").getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(cpu.getImage()).startsWith("mmaas/agent:");
    assertThat(cpu.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    // startup window covers the agent's start and enrolment: 600 s by default
    assertThat(c.getStartupProbe().getFailureThreshold() * c.getStartupProbe().getPeriodSeconds()).isEqualTo(600);
  }

  @Test
  @DisplayName("S3 settings reach exactly the roles that store, serve and collect blobs; postgres is the default")
  void blobStore() {
    Chart.Rendered s3 = Chart.render("s3");
    for (String component : List.of("admin", "agent-api", "scheduler")) {
      Container c = s3.one(Deployment.class, "prod-mmaas-" + component).getSpec().getTemplate().getSpec()
          .getContainers().get(0);
      assertThat(env(c, "MMAAS_BLOB_STORE")).isEqualTo("s3");
      assertThat(env(c, "MMAAS_BLOB_S3_BUCKET")).isEqualTo("mmaas-blobs");
      assertThat(env(c, "MMAAS_BLOB_S3_PATH_STYLE")).isEqualTo("true");
      assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("MMAAS_BLOB_S3_SECRET_KEY")
          && e.getValueFrom().getSecretKeyRef().getName().equals("prod-mmaas-s3"));
    }
    assertThat(s3.one(Deployment.class, "prod-mmaas-gateway").getSpec().getTemplate().getSpec().getContainers()
        .get(0).getEnv()).noneMatch(e -> e.getName().startsWith("MMAAS_BLOB"));
    Container admin = Chart.render("default").one(Deployment.class, "prod-mmaas-admin").getSpec().getTemplate()
        .getSpec().getContainers().get(0);
    assertThat(env(admin, "MMAAS_BLOB_STORE")).isEqualTo("postgres");
    assertThat(admin.getEnv()).noneMatch(e -> e.getName().startsWith("MMAAS_BLOB_S3"));
    assertThatThrownBy(() -> Chart.render("default", Map.of("blobStore.type", "s3", "blobStore.s3.accessKey", "a",
        "blobStore.s3.secretKey", "b"))).hasMessageContaining("blobStore.s3.bucket");
  }

  @Test
  @DisplayName("A ServiceMonitor is rendered only when asked for, scraping the metrics and agent ports")
  void serviceMonitor() {
    assertThat(Chart.render("default").all(ServiceMonitor.class)).isEmpty();
    ServiceMonitor m = Chart.render("service-monitor").one(ServiceMonitor.class, "prod-mmaas");
    assertThat(m.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(m.getSpec().getEndpoints()).extracting(e -> e.getPort()).containsExactlyInAnyOrder("metrics", "agent");
  }

  @Test
  @DisplayName("Every control-plane process serves /metrics on a port of its own, named on its pod and its Service")
  void metricsPortOfItsOwn() {
    Chart.Rendered r = Chart.render("default");
    assertThat(r.one(ConfigMap.class, "prod-mmaas-config").getData())
        .containsEntry("MMAAS_METRICS_PORT", "9464").containsEntry("MMAAS_AGENT_API_PORT", "8082");
    for (String role : List.of("admin", "gateway", "agent-api", "scheduler")) {
      Container c = r.one(Deployment.class, "prod-mmaas-" + role).getSpec().getTemplate().getSpec().getContainers()
          .get(0);
      assertThat(c.getPorts()).anyMatch(p -> "metrics".equals(p.getName()) && p.getContainerPort() == 9464);
      assertThat(r.one(io.fabric8.kubernetes.api.model.Service.class, "prod-mmaas-" + role).getSpec().getPorts())
          .anyMatch(p -> "metrics".equals(p.getName()) && p.getPort() == 9464);
    }
  }

  @Test
  @DisplayName("The tag latest is refused, and values outside the schema are refused")
  void refusals() {
    assertThatThrownBy(() -> Chart.render("default", Map.of("images.gateway.tag", "x"))).hasMessageContaining("gateway");
    assertThatThrownBy(() -> Chart.render("default", Map.of("images.controlPlane.tag", "latest")))
        .hasMessageContaining("/images/controlPlane/tag");
    assertThatThrownBy(() -> Chart.render("default", Map.of("blobStore.type", "nfs")))
        .hasMessageContaining("blobStore");
    assertThatThrownBy(() -> Chart.render("default", Map.of("controlPlane.gateway.replicas", "0")))
        .hasMessageContaining("replicas");
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  /** Variables that hold keys, passwords or credentials-bearing URLs: they come from Secrets only. */
  static final Set<String> SECRET_VARIABLES = Set.of("MMAAS_JWT_SECRET", "MMAAS_JWT_KEYS",
      "MMAAS_AGENT_SERVING_SECRET", "MMAAS_AGENT_SERVING_SECRETS", "MMAAS_CONSOLE_SESSION_KEYS",
      "MMAAS_AUDIT_SIGNING_KEY", "MMAAS_ADMIN_PASSWORD", "MMAAS_DATABASE_URL", "MMAAS_MIGRATION_DATABASE_URL",
      "MMAAS_BLOB_S3_ACCESS_KEY", "MMAAS_BLOB_S3_SECRET_KEY", "MMAAS_AGENT_ENROLLMENT_TOKEN");

  /** One kid:secret entry of MMAAS_CONSOLE_SESSION_KEYS as the console parses it (SessionKeys). */
  static final String SESSION_KEY_ENTRY = "[A-Za-z0-9_-]{1,32}:[^,]+";

  static SecretKeySelector secretRef(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .map(e -> e.getValueFrom().getSecretKeyRef())
        .orElseThrow(() -> new AssertionError(c.getName() + " has no " + name));
  }

  static String env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " has no " + name));
  }

  static Set<String> secretEnv(Chart.Rendered r, String component) {
    Set<String> out = new TreeSet<>();
    r.one(Deployment.class, "prod-mmaas-" + component).getSpec().getTemplate().getSpec().getContainers().get(0)
        .getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .forEach(e -> out.add(e.getName()));
    return out;
  }

  static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  /** The variables named in the first column of the README's configuration table. */
  static Set<String> readmeVariables() throws IOException {
    String readme = Files.readString(Chart.REPO.resolve("README.md"));
    String section = readme.substring(readme.indexOf("## Configuration"));
    section = section.substring(0, section.indexOf("\n## ", 5));
    Set<String> out = new TreeSet<>();
    Pattern name = Pattern.compile("`(MMAAS_[A-Z0-9_]+)`");
    section.lines().filter(l -> l.startsWith("| `")).forEach(l -> {
      Matcher m = name.matcher(l.split("\\|")[1]);
      while (m.find()) {
        out.add(m.group(1));
      }
    });
    return out;
  }

  /** The MMAAS_ names that appear as string literals in the main code of the three runnable modules. */
  static Set<String> variablesTheCodeReads() throws IOException {
    Set<String> out = new TreeSet<>();
    Pattern literal = Pattern.compile("\"(MMAAS_[A-Z0-9_]+)\"");
    for (String module : List.of("control-plane", "runtime-agent", "web-console")) {
      try (Stream<Path> files = Files.walk(Chart.REPO.resolve(module).resolve("src/main"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = literal.matcher(Files.readString(f));
          while (m.find()) {
            out.add(m.group(1));
          }
        }
      }
    }
    return out;
  }
}
