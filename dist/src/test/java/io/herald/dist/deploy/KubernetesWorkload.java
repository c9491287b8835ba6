package io.herald.dist.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.herald.dist.LauncherRoles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One Deployment or StatefulSet of a rendered bundle with the Herald role its container runs, and
 * that role's config loaded as the launcher in its pod would load it: the ConfigMap file its {@code
 * --config} names, under the pod's environment.
 *
 * @param object the workload
 * @param pod its pod spec
 * @param container the Herald container
 * @param role the launcher's role it runs
 * @param env the container's environment in its first pod
 * @param loaded the role's config in that pod
 */
record KubernetesWorkload(
    HasMetadata object,
    PodSpec pod,
    Container container,
    String role,
    Map<String, String> env,
    LauncherRoles.Loaded loaded) {

  /** The workloads of a bundle; {@code files} is scratch space for the pods' mounted files. */
  static List<KubernetesWorkload> of(KustomizeBundle bundle, Path files) throws IOException {
    List<KubernetesWorkload> workloads = new java.util.ArrayList<>();
    for (HasMetadata object : bundle.objects) {
      var template = KustomizeBundle.podTemplate(object);
      if (template.isPresent()) {
        workloads.add(of(bundle, object, template.get(), podName(object, 0), files));
      }
    }
    return workloads;
  }

  /** The workload's role and config in the pod named {@code podName}. */
  static KubernetesWorkload of(
      KustomizeBundle bundle,
      HasMetadata object,
      PodTemplateSpec template,
      String podName,
      Path files)
      throws IOException {
    String where = KustomizeBundle.id(object);
    PodSpec pod = template.getSpec();
    if (pod.getContainers().size() != 1) {
      throw new IllegalArgumentException(where + ": expected one container, the role");
    }
    Container container = pod.getContainers().get(0);
    List<String> args = container.getArgs();
    if (args.size() != 3 || !args.get(1).equals("--config")) {
      throw new IllegalArgumentException(
          where + ": args " + args + " (expected: [<role>, --config, FILE])");
    }
    String role = args.get(0);
    if (!LauncherRoles.names().contains(role)) {
      throw new IllegalArgumentException(
          where + ": " + role + " is not one of the launcher's roles " + LauncherRoles.names());
    }
    Path root = Files.createTempDirectory(files, podName);
    PodEnvironment environment = PodEnvironment.of(bundle, pod, container, podName, root);
    Path config = PodEnvironment.local(root, args.get(2));
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException(
          where + ": --config " + args.get(2) + " is in no ConfigMap or Secret mounted in the pod");
    }
    LauncherRoles.Loaded loaded = LauncherRoles.load(role, config, environment.env);
    return new KubernetesWorkload(object, pod, container, role, environment.env, loaded);
  }

  /** The name of a workload's pod: {@code name-ordinal} for a StatefulSet. */
  static String podName(HasMetadata object, int ordinal) {
    String name = object.getMetadata().getName();
    return object instanceof StatefulSet ? name + "-" + ordinal : name + "-5d9c7b8f4-x2x7q";
  }

  String name() {
    return object.getMetadata().getName();
  }

  Map<String, String> podLabels() {
    return KustomizeBundle.podTemplate(object).orElseThrow().getMetadata().getLabels();
  }

  /** The container port a probe or Service names (by name or number); empty when none matches. */
  OptionalInt containerPort(IntOrString port) {
    for (ContainerPort declared : container.getPorts()) {
      boolean byName = port.getStrVal() != null && port.getStrVal().equals(declared.getName());
      boolean byNumber =
          port.getIntVal() != null && port.getIntVal().equals(declared.getContainerPort());
      if (byName || byNumber) {
        return OptionalInt.of(declared.getContainerPort());
      }
    }
    return OptionalInt.empty();
  }
}
