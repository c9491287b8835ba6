package io.herald.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;

/** Sets one key of a config tree from an environment variable such as {@code COMET_TCP_PORT}. */
final class EnvOverride {
  private EnvOverride() {}

  /** Returns false when the variable's name matches no scalar or list key of {@code tree}. */
  static boolean apply(ObjectNode tree, String name, String prefix, String value) {
    String[] words = name.substring(prefix.length()).toLowerCase(Locale.ROOT).split("_");
    return apply(tree, words, 0, value);
  }

  private static boolean apply(ObjectNode node, String[] words, int from, String value) {
    // Longest match first, so "max_delay" prefers key maxDelay over a key max with child delay.
    for (int to = words.length; to > from; to--) {
      String key = find(node, String.join("", Arrays.copyOfRange(words, from, to)));
      if (key == null) {
        continue;
      }
      JsonNode child = node.get(key);
      if (to == words.length) {
        if (child instanceof ObjectNode) {
          return false;
        }
        node.set(key, child instanceof ArrayNode ? list(node, value) : TextNode.valueOf(value));
        return true;
      }
      if (child instanceof ObjectNode object && apply(object, words, to, value)) {
        return true;
      }
    }
    return false;
  }

  private static String find(ObjectNode node, String normalized) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (normalize(name).equals(normalized)) {
        return name;
      }
    }
    return null;
  }

  private static String normalize(String key) {
    return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  private static ArrayNode list(ObjectNode factory, String value) {
    ArrayNode list = factory.arrayNode();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        list.add(item.trim());
      }
    }
    return list;
  }
}
