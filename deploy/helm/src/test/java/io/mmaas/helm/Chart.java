package io.mmaas.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The chart rendered by Helm itself (helm-java runs Helm's Go code inside the JVM) and parsed into fabric8's typed
 * Kubernetes models, strictly: an object whose kind is unknown, or with any field the schema lacks (fabric8 keeps
 * those in {@code additionalProperties}), is an error naming the object and the field.
 */
final class Chart {
  static final Path REPO = Path.of(System.getProperty("mmaas.repo.root", "../..")).toAbsolutePath().normalize();
  static final Path CHART = REPO.resolve("deploy/helm/mmaas");
  static final String RELEASE = "prod";
  static final String NAMESPACE = "serving";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** The named value sets of src/test/resources/values ("default" is the chart's own values). */
  static final List<String> VALUE_SETS = List.of("default", "gpu-pools", "s3", "existing-secrets", "service-monitor");

  private Chart() {}

  /** Renders with one value set plus {@code --set} pairs and parses every object. */
  static Rendered render(String valueSet, Map<String, Object> sets) {
    return parse(template(valueSet, sets));
  }

  static Rendered render(String valueSet) {
    return render(valueSet, Map.of());
  }

  /**
   * What {@code helm template} prints, with {@code hooks=false}: helm-java's template leaves Helm hooks out of its
   * output, and the hooks (the migration Job, its Secret, the key Secret) must be checked too, so they are rendered as
   * plain objects here; {@link ChartRulesTest} checks the hook annotations on their own.
   */
  static String template(String valueSet, Map<String, Object> sets) {
    TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion("1.30.0").set("hooks", "false");
    if (!valueSet.equals("default")) {
      Path file = REPO.resolve("deploy/helm/src/test/resources/values/" + valueSet + ".yaml");
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no value set " + file);
      }
      command = command.withValuesFile(file);
    }
    for (Map.Entry<String, Object> e : sets.entrySet()) {
      command = command.set(e.getKey(), e.getValue());
    }
    return command.call();
  }

  static Rendered parse(String manifest) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : manifest.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Object parsed = SERIALIZATION.unmarshal(doc);
      String where = doc.lines().filter(l -> l.startsWith("# Source:")).findFirst().orElse(doc.substring(0, 80));
      if (!(parsed instanceof HasMetadata object) || parsed instanceof GenericKubernetesResource) {
        throw new AssertionError("not a known Kubernetes kind (" + where + "): " + parsed.getClass().getName());
      }
      List<String> unknown = new ArrayList<>();
      walk(object, object.getKind(), unknown);
      if (!unknown.isEmpty()) {
        throw new AssertionError(object.getKind() + " " + object.getMetadata().getName()
            + " has fields the schema does not know: " + unknown);
      }
      objects.add(object);
    }
    return new Rendered(manifest, List.copyOf(objects));
  }

  /** Collects every non-empty additionalProperties under a fabric8 model object. */
  private static void walk(Object node, String path, List<String> unknown) {
    if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean
        || node instanceof Enum<?>) {
      return;
    }
    if (node instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        walk(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, unknown));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    try {
      for (PropertyDescriptor p : Introspector.getBeanInfo(node.getClass()).getPropertyDescriptors()) {
        Method read = p.getReadMethod();
        if (read == null || read.getParameterCount() > 0 || p.getName().equals("class")) {
          continue;
        }
        Object value = read.invoke(node);
        if (p.getName().equals("additionalProperties")) {
          if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
            extra.keySet().forEach(k -> unknown.add(path + "." + k));
          }
        } else {
          walk(value, path + "." + p.getName(), unknown);
        }
      }
    } catch (ReflectiveOperationException | java.beans.IntrospectionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The rendered manifest and its objects. */
  record Rendered(String manifest, List<HasMetadata> objects) {
    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
      return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in "
              + all(type).stream().map(o -> o.getMetadata().getName()).toList()));
    }

    void each(Consumer<HasMetadata> check) {
      objects.forEach(check);
    }
  }
}
