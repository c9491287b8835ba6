package io.herald.dist;

import io.herald.config.ConfigException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
  private Herald() {}

  public static void main(String[] args) {
    CommandLine commandLine =
        new CommandLine(Herald.class)
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  if (e instanceof LaunchException || e instanceof ConfigException) {
                    cmd.getErr().println(e.getMessage());
                    return 2;
                  }
                  throw e;
                });
    int code = commandLine.execute(args);
    if (code != 0 || args.length == 0 || isHelp(args)) {
      System.exit(code);
    }
  }

  private static boolean isHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version")) {
        return true;
      }
    }
    return false;
  }

  /** Blocks the main thread while the servers' own threads serve; SIGTERM ends the process. */
  private static void serve() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  abstract static class RoleCommand implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "YAML config (see deploy/); environment variables override it")
    Path config;

    abstract Role<?> role();

    @Override
    public Integer call() throws InterruptedException {
      role().run(config, System.getenv());
      serve();
      return 0;
    }
  }

  @Command(
      name = "logic",
      mixinStandardHelpOptions = true,
      description = {
        "Authentication, sessions, the push API (HTTP 3111, gRPC 3119).",
        "Needs: Redis (store.redis.uri) unless store.backend=memory, Kafka"
            + " (push.kafka.bootstrapServers), the registry (Redis) unless registry.backend=memory,"
            + " push API tokens (push.api.tokens). Overrides: LOGIC_*."
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
        "Needs: Logic's gRPC (logic.target), the registry (Redis) unless registry.backend=memory."
            + " Overrides: COMET_*."
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
        "Needs: Kafka (kafka.bootstrapServers), the registry (Redis). Overrides: JOB_*."
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
        "Needs: the registry (Redis). Overrides: BALANCER_*."
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
        "Needs: a database (database.url; an H2 file by default), Redis if leases.store=redis."
            + " Overrides: IDGEN_*."
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
    @Override
    public Integer call() throws InterruptedException {
      io.herald.dist.Standalone standalone =
          new io.herald.dist.Standalone(System.getenv(), Clock.systemUTC());
      standalone.start();
      Runtime.getRuntime().addShutdownHook(new Thread(standalone::stop, "herald-standalone-stop"));
      int http = standalone.logic().httpPort();
      System.out.printf(
          "%nHerald standalone is running.%n"
              + "  Demo page:   http://127.0.0.1:%d/demo/%n"
              + "  Push a room: curl -d 'hello' 'http://127.0.0.1:%d/goim/push/room?operation=1000&type=live&room=1000'%n"
              + "  Clients:     TCP 127.0.0.1:%d, WebSocket ws://127.0.0.1:%d%s%n"
              + "Ctrl-C stops it.%n",
          http,
          http,
          standalone.cometListen().tcpPort(),
          standalone.cometListen().wsPort(),
          standalone.cometListen().wsPath());
      serve();
      return 0;
    }
  }
}
