package io.herald.dist.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A {@code kustomization.yaml}, with the fields Herald's use: a field outside these fails, so a
 * typo (or a feature these checks do not model) is caught rather than ignored.
 */
record Kustomization(
    String apiVersion,
    String kind,
    String namespace,
    List<Label> labels,
    List<String> resources,
    List<Patch> patches,
    List<Image> images) {

  /** Labels added to every object (and, as kustomize does by default here, not to selectors). */
  record Label(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {}

  /** A strategic-merge patch file; its own apiVersion, kind and name pick the target. */
  record Patch(String path) {}

  /** An image name replaced in every container that uses it. */
  record Image(String name, String newName, String newTag, String digest) {}

  Kustomization {
    labels = labels == null ? List.of() : labels;
    resources = resources == null ? List.of() : resources;
    patches = patches == null ? List.of() : patches;
    images = images == null ? List.of() : images;
  }

  static Kustomization read(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    JsonNode document = Yaml.document(file);
    try {
      Kustomization kustomization =
          Yaml.MAPPER
              .copy()
              .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .treeToValue(document, Kustomization.class);
      if (!"kustomize.config.k8s.io/v1beta1".equals(kustomization.apiVersion())
          || !"Kustomization".equals(kustomization.kind())) {
        throw new IllegalArgumentException(
            file + ": expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization");
      }
      return kustomization;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
    }
  }
}
