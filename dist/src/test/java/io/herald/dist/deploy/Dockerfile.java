package io.herald.dist.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Dockerfile read into its stages and instructions, for static checks: continuation lines joined,
 * comments dropped, {@code KEY=value} pairs of ENV and LABEL and the JSON (exec) form of ENTRYPOINT
 * and CMD parsed.
 */
final class Dockerfile {
  /** One instruction: its keyword (upper case) and the rest of its line. */
  record Instruction(String keyword, String arguments) {}

  /** A build stage: its base image, its name ({@code AS name}) or null, its instructions. */
  record Stage(String base, String name, List<Instruction> instructions) {
    List<String> all(String keyword) {
      return instructions.stream()
          .filter(i -> i.keyword().equals(keyword))
          .map(Instruction::arguments)
          .toList();
    }

    String last(String keyword) {
      List<String> all = all(keyword);
      return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The {@code KEY=value} pairs of every instruction with this keyword (ENV, LABEL). */
    Map<String, String> pairs(String keyword) {
      Map<String, String> pairs = new LinkedHashMap<>();
      all(keyword).forEach(arguments -> pairs.putAll(Dockerfile.pairs(arguments)));
      return pairs;
    }
  }

  final List<Stage> stages;

  private Dockerfile(List<Stage> stages) {
    this.stages = List.copyOf(stages);
  }

  static Dockerfile read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Stage> stages = new ArrayList<>();
    List<Instruction> current = null;
    StringBuilder logical = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && logical.length() == 0)) {
        continue;
      }
      if (line.endsWith("\\")) {
        logical.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      logical.append(line);
      String text = logical.toString().strip();
      logical.setLength(0);
      if (text.isEmpty()) {
        continue;
      }
      int space = text.indexOf(' ');
      String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
      String arguments = space < 0 ? "" : text.substring(space + 1).strip();
      if (keyword.equals("FROM")) {
        String[] words = arguments.split("\\s+");
        String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
        current = new ArrayList<>();
        stages.add(new Stage(words[0], name, current));
      } else if (current == null) {
        if (!keyword.equals("ARG")) {
          throw new IllegalArgumentException(file + ": " + keyword + " before the first FROM");
        }
      } else {
        current.add(new Instruction(keyword, arguments));
      }
    }
    return new Dockerfile(stages);
  }

  Stage last() {
    return stages.get(stages.size() - 1);
  }

  /** The exec (JSON) form of ENTRYPOINT or CMD; fails on the shell form. */
  static List<String> execForm(String arguments) {
    try {
      return Yaml.JSON.readValue(arguments, new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException("not the exec (JSON) form: " + arguments, e);
    }
  }

  /** {@code KEY=value KEY2="value two"} pairs. */
  static Map<String, String> pairs(String arguments) {
    Map<String, String> pairs = new LinkedHashMap<>();
    int i = 0;
    int n = arguments.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(arguments.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int equals = arguments.indexOf('=', i);
      if (equals < 0) {
        throw new IllegalArgumentException("expected KEY=value in: " + arguments);
      }
      String key = arguments.substring(i, equals).strip();
      i = equals + 1;
      StringBuilder value = new StringBuilder();
      if (i < n && arguments.charAt(i) == '"') {
        i++;
        while (i < n && arguments.charAt(i) != '"') {
          if (arguments.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          value.append(arguments.charAt(i++));
        }
        i++;
      } else {
        while (i < n && !Character.isWhitespace(arguments.charAt(i))) {
          value.append(arguments.charAt(i++));
        }
      }
      pairs.put(key, value.toString());
    }
    return pairs;
  }

  /** The user id the last stage runs as ({@code USER uid[:gid]}); fails unless numeric. */
  int uid() {
    String user = last().last("USER");
    if (user == null) {
      throw new IllegalStateException("no USER in the last stage: the image would run as root");
    }
    String uid = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
    if (!uid.matches("[0-9]+")) {
      // Kubernetes' runAsNonRoot can verify only a numeric user.
      throw new IllegalStateException("USER " + user + " (expected: a numeric uid[:gid])");
    }
    return Integer.parseInt(uid);
  }
}
