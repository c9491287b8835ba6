package io.herald.dist;

import io.herald.config.ConfigLoader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The launcher's roles as the static checks of {@code deploy/} see them ({@link Role} is package
 * private): a config loaded exactly as {@code herald <role> --config FILE} loads it, the ports it
 * listens on and the servers it waits for at start.
 */
public final class LauncherRoles {
  private LauncherRoles() {}

  /** A port a role listens on, and the setting that names it (e.g. {@code listen.tcpPort}). */
  public record Port(String key, int port) {}

  /** A server a role needs at start: what it is, the setting, and where. */
  public record Server(String what, String setting, String host, int port) {}

  /**
   * A role's config as the launcher would run it.
   *
   * @param role the subcommand
   * @param config the config record
   * @param ignoredVariables {@code <PREFIX>_*} variables that matched no key (the launcher warns)
   * @param ports the ports it listens on, each with its config key
   * @param servers the servers it waits for at start
   */
  public record Loaded(
      String role,
      Object config,
      List<String> ignoredVariables,
      List<Port> ports,
      List<Server> servers) {

    /** The port whose config key is {@code key}, e.g. {@code listen.adminPort}; 0 when off. */
    public int port(String key) {
      return ports.stream()
          .filter(p -> p.key().equals(key))
          .mapToInt(Port::port)
          .findFirst()
          .orElse(0);
    }
  }

  /** The roles {@code herald <role>} runs, in the launcher's order. */
  public static List<String> names() {
    return Roles.ALL.stream().map(Role::name).toList();
  }

  /** The environment prefix of a role's overrides, e.g. {@code COMET}. */
  public static String envPrefix(String role) {
    return role(role).envPrefix();
  }

  /**
   * Loads {@code file} (or none) under {@code env} as {@code herald <role> --config file} does.
   *
   * @throws io.herald.config.ConfigException as the launcher would exit with it
   */
  public static Loaded load(String role, Path file, Map<String, String> env) {
    return load(role(role), file, env);
  }

  /**
   * What the launcher checks beyond the records before it starts: key files, tokens, TLS files, a
   * JDBC driver, the GeoIP database.
   *
   * @throws io.herald.config.ConfigException naming the key
   */
  public static void check(Loaded loaded) {
    check(role(loaded.role()), loaded.config());
  }

  private static <C> Loaded load(Role<C> role, Path file, Map<String, String> env) {
    ConfigLoader.Loaded<C> loaded =
        new ConfigLoader<>(role.type(), role.defaults(), role.envPrefix()).load(file, env);
    C config = loaded.config();
    List<Port> ports = new ArrayList<>();
    for (Preflight.Listener listener : role.listeners().apply(config)) {
      // "listen.tcpPort (COMET_LISTEN_TCPPORT)": the key is what precedes the variable.
      String setting = listener.setting();
      ports.add(new Port(setting.substring(0, setting.indexOf(' ')), listener.port()));
    }
    List<Server> servers = new ArrayList<>();
    for (Preflight.Endpoint endpoint : role.endpoints().apply(config)) {
      for (String one : endpoint.address().split(",", -1)) {
        InetSocketAddress address = Preflight.socketAddress(one.strip());
        servers.add(
            new Server(
                endpoint.what(), endpoint.setting(), address.getHostString(), address.getPort()));
      }
    }
    return new Loaded(
        role.name(), config, loaded.ignoredVariables(), List.copyOf(ports), List.copyOf(servers));
  }

  private static <C> void check(Role<C> role, Object config) {
    role.check().accept(role.type().cast(config));
  }

  private static Role<?> role(String name) {
    return Roles.ALL.stream()
        .filter(role -> role.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no role " + name + " in " + names()));
  }
}
