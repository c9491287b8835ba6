package io.herald.testkit.cluster;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How one role process differs from the test defaults: its config ({@code yaml} changes the {@link
 * RoleConfigs} one), its JVM options, a command its {@code java} runs under (e.g. {@code taskset -c
 * 0}), and environment variables (the launcher's {@code ROLE_KEY} overrides).
 */
public record RoleOptions(
    UnaryOperator<RoleYaml> yaml,
    List<String> jvmOptions,
    List<String> commandPrefix,
    Map<String, String> env) {

  /**
   * Small heaps, for a machine running many roles at once, and the client compiler only: a test's
   * role lives seconds to minutes, where C2's compiling costs more CPU than its code saves (a
   * standalone Herald reaches ready on ~45 % less CPU with it). Benchmarks set their own options.
   */
  public static final List<String> SMALL_JVM =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1");

  /** The test defaults. */
  public static final RoleOptions DEFAULTS =
      new RoleOptions(UnaryOperator.identity(), SMALL_JVM, List.of(), Map.of());

  /** With {@code change} applied to the config. */
  public static RoleOptions yaml(UnaryOperator<RoleYaml> change) {
    return DEFAULTS.withYaml(change);
  }

  public RoleOptions withYaml(UnaryOperator<RoleYaml> change) {
    return new RoleOptions(change, jvmOptions, commandPrefix, env);
  }

  public RoleOptions withJvm(List<String> options) {
    return new RoleOptions(yaml, List.copyOf(options), commandPrefix, env);
  }

  public RoleOptions withCommandPrefix(List<String> prefix) {
    return new RoleOptions(yaml, jvmOptions, List.copyOf(prefix), env);
  }

  public RoleOptions withEnv(Map<String, String> variables) {
    return new RoleOptions(yaml, jvmOptions, commandPrefix, Map.copyOf(variables));
  }
}
