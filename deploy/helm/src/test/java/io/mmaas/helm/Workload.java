package io.mmaas.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;

/** A rendered object that runs pods (Deployment, StatefulSet, Job), with what the checks need of it. */
record Workload(String kind, String name, int replicas, boolean longRunning, PodTemplateSpec template) {
  static List<Workload> of(Chart.Rendered rendered) {
    return rendered.objects().stream().map(Workload::of).filter(w -> w != null).toList();
  }

  static Workload of(HasMetadata o) {
    if (o instanceof Deployment d) {
      return new Workload("Deployment", name(o), d.getSpec().getReplicas(), true, d.getSpec().getTemplate());
    }
    if (o instanceof StatefulSet s) {
      return new Workload("StatefulSet", name(o), s.getSpec().getReplicas(), true, s.getSpec().getTemplate());
    }
    if (o instanceof Job j) {
      return new Workload("Job", name(o), 1, false, j.getSpec().getTemplate());
    }
    return null;
  }

  Map<String, String> podLabels() {
    return template.getMetadata().getLabels();
  }

  String component() {
    return podLabels().get("app.kubernetes.io/component");
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }
}
