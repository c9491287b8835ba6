package io.herald.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Loads a service's config record: its defaults, overlaid by a YAML file, overlaid by environment
 * variables, then built through the records' validating constructors.
 *
 * <p>An environment variable {@code PREFIX_A_B} sets the key whose path, lower-cased and without
 * separators, reads {@code a.b}: {@code COMET_TCP_PORT=3101} sets {@code tcp.port}, {@code
 * LOGIC_KAFKA_BOOTSTRAPSERVERS} or {@code LOGIC_KAFKA_BOOTSTRAP_SERVERS} sets {@code
 * kafka.bootstrapServers}. A list takes comma-separated values. Variables with the prefix that
 * match no key are returned in {@link Loaded#ignoredVariables()} for the caller to warn about
 * (platforms such as Kubernetes set {@code COMET_PORT} and the like on their own).
 *
 * @param <T> the root config record
 */
public final class ConfigLoader<T> {
  private static final ObjectMapper JSON = ConfigMappers.json();
  private static final ObjectMapper YAML =
      ConfigMappers.configure(new ObjectMapper(new YAMLFactory()));

  private final Class<T> type;
  private final T defaults;
  private final String prefix;

  /**
   * @param type the root config record
   * @param defaults the configuration used when neither file nor environment says otherwise
   * @param envPrefix e.g. {@code COMET}: variables {@code COMET_*} override keys
   */
  public ConfigLoader(Class<T> type, T defaults, String envPrefix) {
    this.type = Objects.requireNonNull(type, "type");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.prefix = envPrefix.toUpperCase(Locale.ROOT) + "_";
  }

  /** The loaded config, and the prefixed variables that matched no key. */
  public record Loaded<T>(T config, List<String> ignoredVariables) {}

  /**
   * Loads the config.
   *
   * @param file a YAML file, or {@code null} for none
   * @param env the environment, e.g. {@link System#getenv()}
   * @throws ConfigException naming the key and the reason when the result is invalid
   */
  public Loaded<T> load(Path file, Map<String, String> env) {
    ObjectNode tree = JSON.valueToTree(defaults);
    if (file != null) {
      merge(tree, readYaml(file));
    }
    List<String> ignored = new ArrayList<>();
    new TreeMap<>(env)
        .forEach(
            (name, value) -> {
              if (name.startsWith(prefix) && !EnvOverride.apply(tree, name, prefix, value)) {
                ignored.add(name);
              }
            });
    return new Loaded<>(bind(tree, file), List.copyOf(ignored));
  }

  private static JsonNode readYaml(Path file) {
    try {
      JsonNode node = YAML.readTree(Files.readString(file));
      if (node == null || node.isMissingNode() || node.isNull()) {
        return JSON.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(file + ": expected a mapping of keys at the top level");
      }
      return node;
    } catch (JacksonException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  private static void merge(ObjectNode target, JsonNode overlay) {
    overlay
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode existing = target.get(entry.getKey());
              if (existing instanceof ObjectNode object && entry.getValue().isObject()) {
                merge(object, entry.getValue());
              } else {
                target.set(entry.getKey(), entry.getValue());
              }
            });
  }

  private T bind(ObjectNode tree, Path file) {
    String source = file == null ? "config" : file.toString();
    try {
      return JSON.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          source
              + ": unknown key '"
              + path(e)
              + "' (known here: "
              + e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "))
              + ")",
          e);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String where = path(e);
      throw new ConfigException(
          source + ": " + (where.isEmpty() ? "" : where + ".") + cause.getMessage(), e);
    } catch (JsonMappingException e) {
      throw new ConfigException(source + ": " + path(e) + ": " + e.getOriginalMessage(), e);
    } catch (JacksonException e) {
      throw new ConfigException(source + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
