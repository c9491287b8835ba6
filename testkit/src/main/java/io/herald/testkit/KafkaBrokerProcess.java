package io.herald.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker in a JVM of its own ({@code java -cp ... kafka.Kafka}), so the
 * broker's dependencies (Scala, Jackson, log4j) stay off the test classpath. Its classpath was
 * written to resources when the testkit was built.
 */
final class KafkaBrokerProcess {

  private static final List<String> CLASSPATH_RESOURCES =
      List.of("kafka-broker.classpath", "kafka-clients.classpath");
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final KafkaServerProperties properties;
  private final List<String> command;
  private final Path log;
  private ChildProcess process;

  private KafkaBrokerProcess(
      KafkaServerProperties properties, List<String> command, Path log, ChildProcess process) {
    this.properties = properties;
    this.command = List.copyOf(command);
    this.log = log;
    this.process = process;
  }

  /** Formats storage under {@code directory} and starts the broker; does not wait for it. */
  static KafkaBrokerProcess start(ScratchDirectory directory) throws StartupFailure {
    return start(directory, PortPicker.system().pick());
  }

  /** As {@link #start(ScratchDirectory)}, with clients on {@code port}. */
  static KafkaBrokerProcess start(ScratchDirectory directory, int port) throws StartupFailure {
    String classpath = classpath();
    var properties =
        new KafkaServerProperties(port, PortPicker.system().pick(), directory.resolve("data"));
    Path config = directory.write("server.properties", properties.render());
    Path log = directory.resolve("broker.log");
    Path log4j = directory.write("log4j2.properties", log4jConfig(log));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    List<String> format = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC"));
    format.addAll(List.of("-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=" + log4j));
    format.addAll(List.of("-cp", classpath, "kafka.tools.StorageTool", "format"));
    format.addAll(List.of("-t", Uuid.randomUuid().toString(), "-c", config.toString()));
    Command.run(format, directory.resolve("format.log"), FORMAT_TIMEOUT);

    List<String> broker = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC"));
    broker.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"));
    broker.addAll(List.of("-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j));
    broker.addAll(List.of("-cp", testkitLocation() + File.pathSeparator + classpath));
    broker.addAll(List.of(OrphanGuard.class.getName(), "kafka.Kafka", config.toString()));
    return new KafkaBrokerProcess(properties, broker, log, ChildProcess.start(broker, log));
  }

  /** Starts the broker again on its ports and data, after a stop; does not wait for it. */
  void restart() throws StartupFailure {
    if (process.alive()) {
      throw new IllegalStateException("the Kafka broker at " + bootstrapServers() + " still runs");
    }
    process = ChildProcess.start(command, log);
  }

  /** Kills the broker outright (SIGKILL). */
  void kill() {
    process.kill();
  }

  String bootstrapServers() {
    return properties.bootstrapServers();
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the broker's client port accepts connections; fails at once if it died. */
  void awaitListening(Duration timeout) throws StartupFailure {
    process.awaitReady(
        "the Kafka broker listens on " + bootstrapServers(),
        timeout,
        () -> TcpProbe.accepts("127.0.0.1", properties.port()));
  }

  /** Waits until {@code probe} returns true; fails at once if the broker died. */
  void awaitReady(String what, Duration timeout, Poller.Probe probe) throws StartupFailure {
    process.awaitReady(what, timeout, probe);
  }

  void stop() {
    process.stop(STOP_GRACE);
  }

  /** WARN and above to {@code log}, which also receives the JVM's own stdout and stderr. */
  static String log4jConfig(Path log) {
    return String.join(
        "\n",
        "status = error",
        "shutdownHook = disable",
        "appender.file.type = File",
        "appender.file.name = FILE",
        "appender.file.append = true",
        "appender.file.fileName = " + log,
        "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%c] %m%n",
        "rootLogger.level = WARN",
        "rootLogger.appenderRef.file.ref = FILE",
        "");
  }

  /** The jar or directory this class was loaded from, which holds {@link OrphanGuard}. */
  private static String testkitLocation() throws StartupFailure {
    try {
      return Path.of(OrphanGuard.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException | RuntimeException e) {
      throw new StartupFailure("cannot tell where the testkit's classes are: " + e, e);
    }
  }

  private static String classpath() throws StartupFailure {
    List<String> entries = new ArrayList<>();
    for (String resource : CLASSPATH_RESOURCES) {
      try (InputStream in = KafkaBrokerProcess.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new StartupFailure(
              "the resource io/herald/testkit/"
                  + resource
                  + " is missing: the testkit was not"
                  + " built by Maven (its dependency plugin writes the broker's classpath)");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        entries.addAll(List.of(text.split(File.pathSeparator)));
      } catch (IOException e) {
        throw new StartupFailure("cannot read the resource " + resource + ": " + e, e);
      }
    }
    for (String entry : entries) {
      if (!Files.isRegularFile(Path.of(entry))) {
        throw new StartupFailure(
            "the Kafka broker's classpath names "
                + entry
                + ", which does not exist: rebuild the"
                + " testkit on this machine (./mvnw -pl testkit install)");
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
