package io.herald.dist.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code kubectl kustomize DIR} renders, resolved in Java for the subset of kustomize that
 * Herald's manifests use (resources, patches, images, namespace, labels), so the checks stand
 * without kubectl. Every reference must resolve: a resource or patch file that does not exist, a
 * file outside the kustomization's directory (kustomize's load restrictor), a patch whose target is
 * not in the resources, or a patch kustomize would merge differently from a plain JSON merge (a
 * list, a {@code $patch} directive) fails.
 */
final class KustomizeBundle {
  final Path root;
  final List<HasMetadata> objects;

  private KustomizeBundle(Path root, List<HasMetadata> objects) {
    this.root = root;
    this.objects = List.copyOf(objects);
  }

  static KustomizeBundle render(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    Kustomization kustomization = Kustomization.read(root);
    List<HasMetadata> objects = new ArrayList<>();
    for (String resource : kustomization.resources()) {
      Path path = root.resolve(resource).normalize();
      if (Files.isDirectory(path)) {
        if (!Files.isRegularFile(path.resolve("kustomization.yaml"))) {
          throw new IllegalArgumentException(
              root + ": resource " + resource + " is a directory without kustomization.yaml");
        }
        objects.addAll(render(path).objects);
      } else {
        objects.addAll(parseFile(root, resource));
      }
    }
    for (Kustomization.Patch patch : kustomization.patches()) {
      objects = patched(root, objects, patch.path());
    }
    for (Kustomization.Image image : kustomization.images()) {
      objects.forEach(object -> podTemplate(object).ifPresent(t -> setImage(t, image)));
    }
    for (Kustomization.Label label : kustomization.labels()) {
      if (Boolean.TRUE.equals(label.includeSelectors())
          || Boolean.TRUE.equals(label.includeTemplates())) {
        throw new IllegalArgumentException(
            root + ": labels with includeSelectors/includeTemplates are not modelled here");
      }
      objects.forEach(
          object -> {
            Map<String, String> labels = new HashMap<>();
            if (object.getMetadata().getLabels() != null) {
              labels.putAll(object.getMetadata().getLabels());
            }
            labels.putAll(label.pairs());
            object.getMetadata().setLabels(labels);
          });
    }
    if (kustomization.namespace() != null) {
      objects.stream()
          .filter(object -> !(object instanceof Namespace))
          .forEach(object -> object.getMetadata().setNamespace(kustomization.namespace()));
    }
    return new KustomizeBundle(root, objects);
  }

  /** The documents of a manifest file in {@code root}, strictly parsed. */
  static List<HasMetadata> parseFile(Path root, String relative) {
    Path file = root.resolve(relative).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException(
          root
              + ": "
              + relative
              + " is outside the kustomization's directory (kustomize refuses it)");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(root + ": " + relative + " does not exist");
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (JsonNode document : Yaml.documents(file)) {
      try {
        objects.add(KubernetesObjects.parse(document));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    return objects;
  }

  private static List<HasMetadata> patched(Path root, List<HasMetadata> objects, String relative) {
    List<HasMetadata> patches = parseFile(root, relative);
    List<HasMetadata> result = new ArrayList<>(objects);
    for (HasMetadata patch : patches) {
      JsonNode patchTree = KubernetesObjects.tree(patch);
      String problem = notPlainMerge(patchTree, "");
      if (problem != null) {
        throw new IllegalArgumentException(root + ": patch " + relative + ": " + problem);
      }
      int index = -1;
      for (int i = 0; i < result.size(); i++) {
        if (sameObject(result.get(i), patch)) {
          index = i;
        }
      }
      if (index < 0) {
        throw new IllegalArgumentException(
            root
                + ": patch "
                + relative
                + " targets "
                + id(patch)
                + ", which is not among the resources");
      }
      ObjectNode target = (ObjectNode) KubernetesObjects.tree(result.get(index));
      merge(target, patchTree);
      result.set(index, KubernetesObjects.parse(target));
    }
    return result;
  }

  /** A patch kustomize would merge as JSON merge does: objects only, no lists, no directives. */
  private static String notPlainMerge(JsonNode node, String path) {
    if (node.isArray() && !node.isEmpty()) {
      return path + " is a list (strategic merge would merge it by key: not modelled here)";
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().startsWith("$")) {
          return path + "." + field.getKey() + " is a patch directive";
        }
        String problem = notPlainMerge(field.getValue(), path + "." + field.getKey());
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static void merge(ObjectNode target, JsonNode patch) {
    patch
        .fields()
        .forEachRemaining(
            field -> {
              JsonNode existing = target.get(field.getKey());
              if (existing instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
              } else if (!(field.getValue().isArray() && field.getValue().isEmpty())) {
                // An empty list in the model's tree is "not set" in the patch file.
                target.set(field.getKey(), field.getValue());
              }
            });
  }

  private static void setImage(PodTemplateSpec template, Kustomization.Image image) {
    for (Container container : template.getSpec().getContainers()) {
      String current = container.getImage();
      String name =
          current.contains(":") ? current.substring(0, current.lastIndexOf(':')) : current;
      if (name.equals(image.name())) {
        String newName = image.newName() != null ? image.newName() : name;
        container.setImage(
            image.digest() != null
                ? newName + "@" + image.digest()
                : newName + (image.newTag() != null ? ":" + image.newTag() : ""));
      }
    }
  }

  static boolean sameObject(HasMetadata a, HasMetadata b) {
    return id(a).equals(id(b));
  }

  static String id(HasMetadata object) {
    return object.getApiVersion() + "/" + object.getKind() + "/" + object.getMetadata().getName();
  }

  /** The pod template of a workload. */
  static Optional<PodTemplateSpec> podTemplate(HasMetadata object) {
    if (object instanceof Deployment deployment) {
      return Optional.of(deployment.getSpec().getTemplate());
    }
    if (object instanceof StatefulSet statefulSet) {
      return Optional.of(statefulSet.getSpec().getTemplate());
    }
    return Optional.empty();
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  /** A key of a ConfigMap in the bundle. */
  Optional<String> configMapValue(String name, String key) {
    return find(ConfigMap.class, name).map(ConfigMap::getData).map(data -> data.get(key));
  }

  /** A key of a Secret in the bundle ({@code stringData} or base64 {@code data}). */
  Optional<String> secretValue(String name, String key) {
    Optional<Secret> secret = find(Secret.class, name);
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> stringData = secret.get().getStringData();
    if (stringData != null && stringData.containsKey(key)) {
      return Optional.of(stringData.get(key));
    }
    Map<String, String> data = secret.get().getData();
    if (data != null && data.containsKey(key)) {
      return Optional.of(
          new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  /** The Services whose name a host in the same namespace resolves. */
  Optional<Service> service(String host) {
    return find(Service.class, host);
  }
}
