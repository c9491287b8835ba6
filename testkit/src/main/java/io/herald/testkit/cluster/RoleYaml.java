package io.herald.testkit.cluster;

import io.herald.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A role's YAML config, as its top-level sections in order; a test replaces a whole section ({@link
 * #set}) to change what it needs. A section's value is a flow value ({@code {host: 127.0.0.1}},
 * {@code 200ms}) or a block of lines indented by two spaces.
 */
public final class RoleYaml {
  private final Map<String, String> sections = new LinkedHashMap<>();

  /** Sets the top-level {@code key} to {@code value}, replacing what it had. */
  public RoleYaml set(String key, String value) {
    sections.put(key, value);
    return this;
  }

  /** Removes the top-level {@code key}: the role's default applies. */
  public RoleYaml remove(String key) {
    sections.remove(key);
    return this;
  }

  /** Sets {@code key} to a block of {@code lines}, each indented by two spaces. */
  public RoleYaml block(String key, String... lines) {
    StringBuilder block = new StringBuilder();
    for (String line : lines) {
      block.append("\n  ").append(line);
    }
    return set(key, block.toString());
  }

  /**
   * Sets {@code key} to {@code value} inside the block section {@code section}, replacing the line
   * of that key or adding one.
   *
   * @throws IllegalArgumentException if {@code section} is not a block
   */
  public RoleYaml put(String section, String key, String value) {
    String block = sections.get(section);
    if (block == null || !block.startsWith("\n")) {
      throw new IllegalArgumentException(section + ": not a block section (" + block + ")");
    }
    StringBuilder out = new StringBuilder();
    boolean replaced = false;
    for (String line : block.substring(1).lines().toList()) {
      boolean ours = line.startsWith("  " + key + ":");
      replaced |= ours;
      out.append('\n').append(ours ? "  " + key + ": " + value : line);
    }
    if (!replaced) {
      out.append("\n  ").append(key).append(": ").append(value);
    }
    sections.put(section, out.toString());
    return this;
  }

  /** The value of the top-level {@code key}, or null. */
  public String get(String key) {
    return sections.get(key);
  }

  /** The YAML text. */
  public String text() {
    StringBuilder text = new StringBuilder();
    sections.forEach(
        (key, value) ->
            text.append(key)
                .append(value.startsWith("\n") ? ":" : ": ")
                .append(value)
                .append('\n'));
    return text.toString();
  }

  /**
   * The config record this YAML loads into, as the role's launcher loads it (environment overrides
   * aside): for a test that starts the role in its own JVM.
   */
  public <C> C load(Class<C> type, C defaults, String envPrefix) {
    try {
      Path file = Files.createTempFile("herald-" + envPrefix.toLowerCase(Locale.ROOT), ".yaml");
      try {
        return new ConfigLoader<>(type, defaults, envPrefix).load(writeTo(file), Map.of()).config();
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the text to {@code file} and returns it. */
  public Path writeTo(Path file) {
    try {
      return Files.writeString(file, text());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return text();
  }
}
