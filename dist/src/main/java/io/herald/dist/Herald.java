package io.herald.dist;

import io.herald.config.ConfigException;
import io.herald.config.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code herald} launcher: {@code herald <role> [--config FILE]}, or {@code herald standalone}.
 * A role runs until SIGTERM (Ctrl-C), then stops cleanly (a Comet drains first).
 */
@Command(
    name = "herald",
    mixinStandardHelpOptions = true,
    version = "herald 0.1.0-SNAPSHOT",
    description = "A distributed long-connection push gateway in the design line of goim.",
    subcommands = {
      Herald.Standalone.class,
      Herald.Logic.class,
      Herald.Comet.class,
      Herald.Job.class,
      Herald.Balancer.class,
      Herald.IdGen.class
    })
public final class Herald {
  private final Map<String, String> env;
  private final Lifetime lifetime;

  private Herald(Map<String, String> env, Lifetime lifetime) {
    this.env = Map.copyOf(env);
    this.lifetime = lifetime;
  }

  /** What the launcher does with a role once it has started. */
  interface Lifetime {
    /** Keeps the process serving until SIGTERM, which stops the role. */
    Lifetime UNTIL_SIGTERM =
        (name, running) -> {
          Runtime.getRuntime()
              .addShutdownHook(new Thread(running::stop, "herald-" + name + "-stop"));
          new CountDownLatch(1).await();
        };

    void serve(String name, Role.Running running) throws InterruptedException;
  }

  public static void main(String[] args) {
    int code = commandLine(System.getenv(), Lifetime.UNTIL_SIGTERM).execute(args);
    if (code != 0 || args.length == 0 || isHelp(args)) {
      System.exit(code);
    }
  }

  /**
   * The launcher's command line over {@code env} (the process environment in {@link #main}): a role
   * that cannot start (an unreachable backend, an invalid config) prints why, without a stack
   * trace, and exits with 2.
   */
  static CommandLine commandLine(Map<String, String> env, Lifetime lifetime) {
    return new CommandLine(new Herald(env, lifetime))
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (e instanceof LaunchException || e instanceof ConfigException) {
                cmd.getErr().println(e.getMessage());
                return 2;
              }
              throw e;
            });
  }

  private static boolean isHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version")) {
        return true;
      }
    }
    return false;
  }

  abstract static class RoleCommand implements Callable<Integer> {
    @ParentCommand Herald herald;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "YAML config (see deploy/); environment variables override it")
    Path config;

    @Option(
        names = "--wait",
        paramLabel = "DURATION",
        description =
            "How long to wait for the servers the role needs to accept connections (e.g. 30s, 2m;"
                + " 0s fails at once). Default: $HERALD_WAIT, else 30s")
    String wait;

    @Option(
        names = "--skip-server-check",
        description =
            "Start without checking that the servers the config names accept connections: for one"
                + " started later or not used (e.g. Kafka for a Logic that takes no pushes); the"
                + " role's clients then retry or fail as each does")
    boolean skipServerCheck;

    abstract Role<?> role();

    @Override
    public Integer call() throws InterruptedException {
      if (config != null && !Files.isRegularFile(config)) {
        throw new LaunchException(
            "herald " + role().name() + " cannot start: --config " + config + ": no such file");
      }
      Duration bound = waitBound(role().name(), wait, herald.env.get(WAIT_VARIABLE));
      herald.lifetime.serve(
          role().name(), role().run(config, herald.env, skipServerCheck ? null : bound));
      return 0;
    }
  }

  /** The environment variable that bounds how long a role waits for its servers. */
  static final String WAIT_VARIABLE = "HERALD_WAIT";

  /** {@code --wait}, else {@code HERALD_WAIT}, else {@link Role#DEFAULT_WAIT}. */
  static Duration waitBound(String role, String option, String variable) {
    String setting = option != null ? "--wait" : WAIT_VARIABLE;
    String text = option != null ? option : variable;
    if (text == null || text.isBlank()) {
      return Role.DEFAULT_WAIT;
    }
    try {
      Duration bound = Durations.parse(text);
      if (!bound.isNegative()) {
        return bound;
      }
    } catch (IllegalArgumentException e) {
      // named below
    }
    throw new LaunchException(
        "herald "
            + role
            + " cannot start: "
            + setting
            + " "
            + text
            + " (expected: a duration such as 30s or 2m; 0s fails at once)");
  }

  @Command(
      name = "logic",
      mixinStandardHelpOptions = true,
      description = {
        "Authentication, sessions, the push API (HTTP 3111, gRPC 3119).",
        "Needs:",
        "  Redis for sessions (store.redis.uri) unless store.backend=memory",
        "  Kafka for pushes (push.kafka.bootstrapServers)",
        "  Kafka (receive.kafka.bootstrapServers) if receive.sink=kafka",
        "  IdGen (push.messageIds.idgen.target) if push.messageIds.source=idgen",
        "  a database for chat (im.database.url) if im.enabled",
        "  the registry's Redis (registry.redis.uri) unless registry.backend=memory",
        "  push API tokens (push.api.tokens)",
        "Overrides: LOGIC_* environment variables."
      })
  static final class Logic extends RoleCommand {
    @Override
    Role<?> role() {
      return Roles.LOGIC;
    }
  }

  @Command(
      name = "comet",
      mixinStandardHelpOptions = true,
      description = {
        "The edge node clients connect to (TCP 3101, WebSocket 3102, gRPC 3109, /health and"
            + " /metrics on 3108).",
        "Needs:",
        "  Logic's gRPC (logic.target)",
        "  the registry's Redis (registry.redis.uri) unless registry.backend=memory",
        "Overrides: COMET_* environment variables."
      })
  static final class Comet extends RoleCommand {
    @Override
    Role<?> role() {
      return Roles.COMET;
    }
  }

  @Command(
      name = "job",
      mixinStandardHelpOptions = true,
      description = {
        "Consumes pushes from Kafka and delivers them to the Comets (/health, /metrics on 3129).",
        "Needs:",
        "  Kafka (kafka.bootstrapServers)",
        "  the registry's Redis (registry.redis.uri)",
        "Overrides: JOB_* environment variables."
      })
  static final class Job extends RoleCommand {
    @Override
    Role<?> role() {
      return Roles.JOB;
    }
  }

  @Command(
      name = "balancer",
      mixinStandardHelpOptions = true,
      description = {
        "Hands clients the nearest, least-loaded Comets (HTTP /nodes and gRPC on 3131).",
        "Needs:",
        "  the registry's Redis (registry.redis.uri)",
        "Overrides: BALANCER_* environment variables."
      })
  static final class Balancer extends RoleCommand {
    @Override
    Role<?> role() {
      return Roles.BALANCER;
    }
  }

  @Command(
      name = "idgen",
      mixinStandardHelpOptions = true,
      description = {
        "Snowflake, Sonyflake and segment ids over gRPC and HTTP (3121).",
        "Needs:",
        "  a database (database.url; an H2 file by default)",
        "  Redis for worker leases (leases.redis.uri) if leases.store=redis",
        "Overrides: IDGEN_* environment variables."
      })
  static final class IdGen extends RoleCommand {
    @Override
    Role<?> role() {
      return Roles.IDGEN;
    }
  }

  @Command(
      name = "standalone",
      mixinStandardHelpOptions = true,
      description = {
        "Every role in one process on embedded defaults, on 127.0.0.1 only: in-memory sessions"
            + " and registry, an in-process queue for Kafka, IdGen on an H2 file, trust"
            + " authentication. For a first run and development, not production.",
        "Ports: Comet TCP 3101, WebSocket 3102, Logic HTTP 3111 (push API, demo page /demo/),"
            + " gRPC 3119, Balancer 3131, IdGen 3121."
      })
  static final class Standalone implements Callable<Integer> {
    @ParentCommand Herald herald;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      io.herald.dist.Standalone standalone =
          new io.herald.dist.Standalone(herald.env, Clock.systemUTC());
      standalone.start();
      spec.commandLine().getOut().print(standalone.banner());
      spec.commandLine().getOut().flush();
      herald.lifetime.serve("standalone", standalone);
      return 0;
    }
  }
}
