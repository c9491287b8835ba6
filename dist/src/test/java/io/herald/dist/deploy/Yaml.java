package io.herald.dist.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** YAML and JSON files of {@code deploy/} as trees; a key given twice in one mapping fails. */
final class Yaml {
  static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Yaml() {}

  /** Every document of a YAML file (empty ones skipped). */
  static List<JsonNode> documents(Path file) {
    try (var parser = MAPPER.getFactory().createParser(file.toFile())) {
      List<JsonNode> documents = new ArrayList<>();
      Iterator<JsonNode> it = MAPPER.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(node);
        }
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": not valid YAML: " + e.getMessage(), e);
    }
  }

  /** The one document of a YAML file. */
  static JsonNode document(Path file) {
    List<JsonNode> documents = documents(file);
    if (documents.size() != 1) {
      throw new IllegalStateException(
          file + ": expected one YAML document, found " + documents.size());
    }
    return documents.get(0);
  }

  /** A JSON file. */
  static JsonNode json(Path file) {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  /** {@code node.path(a).path(b)...}. */
  static JsonNode at(JsonNode node, String... path) {
    JsonNode here = node == null ? MissingNode.getInstance() : node;
    for (String step : path) {
      here = here.path(step);
    }
    return here;
  }

  /** Text elements of a list node (none for a missing node). */
  static List<String> texts(JsonNode list) {
    List<String> texts = new ArrayList<>();
    list.forEach(element -> texts.add(element.asText()));
    return texts;
  }
}
