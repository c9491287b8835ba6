package io.herald.dist.deploy;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment and mounted files as the kubelet would give them to one pod of a
 * rendered bundle: literal values with {@code $(VAR)} expanded from the variables before them,
 * ConfigMap and Secret keys, and the downward API ({@code metadata.name} is the pod's name, {@code
 * status.podIP} the address below). ConfigMap and Secret volumes are written under a directory that
 * stands for {@code /}, and variables whose value is a path in such a mount are pointed there, so a
 * role can load its config and read its key files as it would in the pod.
 */
final class PodEnvironment {
  static final String POD_IP = "10.1.2.3";
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  final Map<String, String> env;
  final Path filesRoot;

  private PodEnvironment(Map<String, String> env, Path filesRoot) {
    this.env = env;
    this.filesRoot = filesRoot;
  }

  static PodEnvironment of(
      KustomizeBundle bundle, PodSpec pod, Container container, String podName, Path filesRoot)
      throws IOException {
    writeMounts(bundle, pod, container, filesRoot);
    Map<String, String> env = new LinkedHashMap<>();
    if (container.getEnvFrom() != null && !container.getEnvFrom().isEmpty()) {
      throw new IllegalArgumentException(container.getName() + ": envFrom is not modelled here");
    }
    for (EnvVar variable : container.getEnv()) {
      String value =
          variable.getValueFrom() != null
              ? source(bundle, variable, podName)
              : expand(variable.getValue() == null ? "" : variable.getValue(), env);
      env.put(variable.getName(), value);
    }
    // A path inside a mounted ConfigMap or Secret points at its copy under filesRoot.
    for (VolumeMount mount : fileMounts(pod, container)) {
      String prefix =
          mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
      env.replaceAll(
          (name, value) -> value.startsWith(prefix) ? local(filesRoot, value).toString() : value);
    }
    return new PodEnvironment(env, filesRoot);
  }

  /** Where the file at {@code podPath} (absolute in the pod) is on this machine. */
  static Path local(Path filesRoot, String podPath) {
    return filesRoot.resolve(podPath.substring(1));
  }

  private static String source(KustomizeBundle bundle, EnvVar variable, String podName) {
    EnvVarSource from = variable.getValueFrom();
    String what = variable.getName();
    if (from.getFieldRef() != null) {
      return switch (from.getFieldRef().getFieldPath()) {
        case "metadata.name" -> podName;
        case "status.podIP" -> POD_IP;
        default ->
            throw new IllegalArgumentException(
                what + ": fieldRef " + from.getFieldRef().getFieldPath() + " is not modelled here");
      };
    }
    if (from.getConfigMapKeyRef() != null) {
      ConfigMapKeySelector ref = from.getConfigMapKeyRef();
      return bundle
          .configMapValue(ref.getName(), ref.getKey())
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      what + ": ConfigMap " + ref.getName() + " has no key " + ref.getKey()));
    }
    if (from.getSecretKeyRef() != null) {
      SecretKeySelector ref = from.getSecretKeyRef();
      return bundle
          .secretValue(ref.getName(), ref.getKey())
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      what + ": Secret " + ref.getName() + " has no key " + ref.getKey()));
    }
    throw new IllegalArgumentException(what + ": this valueFrom is not modelled here");
  }

  /**
   * Kubernetes' expansion: {@code $(NAME)} of a variable defined before; others stay as written.
   */
  static String expand(String value, Map<String, String> before) {
    Matcher matcher = REFERENCE.matcher(value.replace("$$", "\u0000"));
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String replacement = before.getOrDefault(matcher.group(1), matcher.group());
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString().replace("\u0000", "$");
  }

  /** The container's mounts of ConfigMap and Secret volumes. */
  static List<VolumeMount> fileMounts(PodSpec pod, Container container) {
    return container.getVolumeMounts().stream()
        .filter(
            mount -> {
              Volume volume = volume(pod, mount.getName());
              return volume.getConfigMap() != null || volume.getSecret() != null;
            })
        .toList();
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("volumeMount " + name + ": no such volume"));
  }

  private static void writeMounts(
      KustomizeBundle bundle, PodSpec pod, Container container, Path filesRoot) throws IOException {
    for (VolumeMount mount : fileMounts(pod, container)) {
      Volume volume = volume(pod, mount.getName());
      Map<String, String> files = new LinkedHashMap<>();
      List<KeyToPath> items;
      if (volume.getConfigMap() != null) {
        String name = volume.getConfigMap().getName();
        Map<String, String> data =
            bundle
                .find(io.fabric8.kubernetes.api.model.ConfigMap.class, name)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "volume " + mount.getName() + ": no ConfigMap " + name))
                .getData();
        files.putAll(data);
        items = volume.getConfigMap().getItems();
      } else {
        String name = volume.getSecret().getSecretName();
        io.fabric8.kubernetes.api.model.Secret secret =
            bundle
                .find(io.fabric8.kubernetes.api.model.Secret.class, name)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "volume " + mount.getName() + ": no Secret " + name));
        if (secret.getStringData() != null) {
          secret
              .getStringData()
              .keySet()
              .forEach(k -> files.put(k, bundle.secretValue(name, k).orElseThrow()));
        }
        if (secret.getData() != null) {
          secret
              .getData()
              .keySet()
              .forEach(k -> files.put(k, bundle.secretValue(name, k).orElseThrow()));
        }
        items = volume.getSecret().getItems();
      }
      Map<String, String> placed = new LinkedHashMap<>();
      if (items == null || items.isEmpty()) {
        placed.putAll(files);
      } else {
        for (KeyToPath item : items) {
          if (!files.containsKey(item.getKey())) {
            throw new IllegalArgumentException(
                "volume " + mount.getName() + ": no key " + item.getKey());
          }
          placed.put(item.getPath(), files.get(item.getKey()));
        }
      }
      Path dir = local(filesRoot, mount.getMountPath());
      Files.createDirectories(dir);
      for (Map.Entry<String, String> file : placed.entrySet()) {
        Path path = dir.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue());
      }
    }
  }
}
