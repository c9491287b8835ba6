package io.herald.dist.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.balancer.SelectionConfig;
import io.herald.comet.config.CometConfig;
import io.herald.config.Durations;
import io.herald.dist.LauncherRoles;
import io.herald.job.config.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/compose.yaml, checked without a container engine: the services it must bring up
 * are there on pinned images, every Herald role loads its mounted config under the service's
 * environment exactly as the launcher would, the ports it publishes and probes are the ones those
 * configs listen on, every server a role waits for is a service of the file, every mounted file
 * exists, and Prometheus scrapes every role's metrics port.
 */
class ComposeFileTest {
  private static final Path COMPOSE_FILE = DeployFiles.COMPOSE.resolve("compose.yaml");

  /** The service keys this file may use (a typo in one would be ignored by nobody but compose). */
  private static final Set<String> SERVICE_KEYS =
      Set.of(
          "image",
          "build",
          "command",
          "environment",
          "ports",
          "expose",
          "volumes",
          "depends_on",
          "healthcheck",
          "restart",
          "stop_grace_period");

  private static final String HEALTH_SCRIPT = "/opt/herald/bin/herald-health";

  private static JsonNode services;

  /** The Herald services by name, with the config each loads. */
  private static final Map<String, LauncherRoles.Loaded> ROLES = new LinkedHashMap<>();

  @BeforeAll
  static void load() {
    JsonNode compose = Yaml.document(COMPOSE_FILE);
    assertThat(fieldNames(compose)).isSubsetOf("name", "services", "volumes", "networks");
    services = compose.path("services");
    services
        .fields()
        .forEachRemaining(
            service -> {
              if (service.getValue().path("image").asText().startsWith("herald:")) {
                ROLES.put(service.getKey(), loadRole(service.getKey(), service.getValue()));
              }
            });
  }

  /** The role a Herald service runs, loaded from its mounted config under its environment. */
  private static LauncherRoles.Loaded loadRole(String name, JsonNode service) {
    List<String> command = Yaml.texts(service.path("command"));
    assertThat(command).as("%s: command", name).hasSize(3);
    assertThat(command.get(1)).isEqualTo("--config");
    String role = command.get(0);
    assertThat(LauncherRoles.names()).as("%s runs a launcher role", name).contains(role);
    Path config = mountSource(service, command.get(2));
    Map<String, String> env = new HashMap<>();
    service
        .path("environment")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    LauncherRoles.Loaded loaded = LauncherRoles.load(role, config, env);
    assertThat(loaded.ignoredVariables())
        .as("%s: variables that set no config key (a typo is silently ignored)", name)
        .isEmpty();
    return loaded;
  }

  @Test
  void bringsUpTheBackendsObservabilityAndEveryRoleWithTwoCometsInTwoRegions() {
    assertThat(fieldNames(services))
        .contains("redis", "kafka", "postgres", "prometheus", "grafana");
    assertThat(ROLES.values().stream().map(LauncherRoles.Loaded::role).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(LauncherRoles.names());

    List<CometConfig> comets =
        ROLES.values().stream()
            .filter(l -> l.role().equals("comet"))
            .map(l -> (CometConfig) l.config())
            .toList();
    Set<String> regions = comets.stream().map(c -> c.node().region()).collect(Collectors.toSet());
    Set<String> known =
        DeployFiles.balancerRegions().stream()
            .map(SelectionConfig.RegionEntry::name)
            .collect(Collectors.toSet());
    assertThat(regions).as("the Comets' regions").contains("cn-east", "cn-north").isSubsetOf(known);
    assertThat(comets.stream().map(c -> c.node().serverId()).distinct()).hasSameSizeAs(comets);

    // KRaft: the broker is its own controller, no ZooKeeper.
    JsonNode kafka = services.path("kafka").path("environment");
    assertThat(kafka.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    assertThat(fieldNames(services)).noneMatch(s -> s.contains("zookeeper"));
  }

  @Test
  void servicesUseKnownKeysAndPinnedImagesOrThisRepositorysBuild() {
    services
        .fields()
        .forEachRemaining(
            entry -> {
              String name = entry.getKey();
              JsonNode service = entry.getValue();
              assertThat(fieldNames(service)).as("%s: keys", name).isSubsetOf(SERVICE_KEYS);
              String image = service.path("image").asText();
              if (ROLES.containsKey(name)) {
                Path context =
                    DeployFiles.COMPOSE
                        .resolve(service.path("build").path("context").asText())
                        .normalize();
                assertThat(context).as("%s: build context", name).isEqualTo(DeployFiles.REPO);
                assertThat(context.resolve(service.path("build").path("dockerfile").asText()))
                    .isEqualTo(DeployFiles.DOCKERFILE);
              } else {
                assertThat(image)
                    .as("%s: image pinned to an exact release", name)
                    .matches("[a-z0-9./_-]+:v?\\d+\\.\\d+[0-9A-Za-z._-]*");
              }
              for (String dependency : dependsOn(service)) {
                assertThat(fieldNames(services))
                    .as("%s depends on %s", name, dependency)
                    .contains(dependency);
              }
            });
    assertThat(ROLES.keySet().stream().map(n -> services.path(n).path("image").asText()).distinct())
        .as("one image for every role")
        .hasSize(1);
  }

  @Test
  void everyRolePassesTheLaunchersChecksBeforeStart() {
    ROLES.values().forEach(LauncherRoles::check);
  }

  @Test
  void publishedPortsAndHealthChecksAreTheOnesTheConfigsListenOn() {
    Set<String> hostPorts = new HashSet<>();
    ROLES.forEach(
        (name, loaded) -> {
          JsonNode service = services.path(name);
          Set<Integer> listened =
              loaded.ports().stream().map(LauncherRoles.Port::port).collect(Collectors.toSet());
          for (String mapping : Yaml.texts(service.path("ports"))) {
            String[] parts = mapping.split(":");
            assertThat(parts).as("%s: ports %s (host:container)", name, mapping).hasSize(2);
            assertThat(listened)
                .as("%s: published %s", name, mapping)
                .contains(Integer.parseInt(parts[1]));
            // A Comet registers node.host with its listen ports: clients must find them unchanged.
            assertThat(parts[0])
                .as("%s: %s publishes the same port", name, mapping)
                .isEqualTo(parts[1]);
            assertThat(hostPorts.add(parts[0]))
                .as("host port %s published twice", parts[0])
                .isTrue();
          }
          RoleHealth health = RoleHealth.of(loaded.role());
          assertThat(Yaml.texts(service.path("healthcheck").path("test")))
              .as("%s: healthcheck", name)
              .containsExactly(
                  "CMD", HEALTH_SCRIPT, Integer.toString(health.port(loaded)), health.ready());
        });
    assertThat(Dockerfile.read(DeployFiles.DOCKERFILE).last().all("COPY"))
        .as("the image carries the health script where the checks run it")
        .contains("bin/herald-health " + HEALTH_SCRIPT);
  }

  @Test
  void cometsDrainAndJobsLeaveTheirGroupWithinTheirStopGrace() {
    ROLES.forEach(
        (name, loaded) -> {
          Duration grace =
              Durations.parse(services.path(name).path("stop_grace_period").asText("10s"));
          if (loaded.config() instanceof CometConfig comet) {
            assertThat(grace)
                .as("%s: stop_grace_period vs drain", name)
                .isGreaterThanOrEqualTo(comet.drain().plusSeconds(10));
          } else if (loaded.config() instanceof JobConfig job) {
            assertThat(grace)
                .as("%s: stop_grace_period vs revokeTimeout", name)
                .isGreaterThanOrEqualTo(job.kafka().revokeTimeout().plusSeconds(5));
          }
        });
  }

  @Test
  void everyServerARoleWaitsForIsAServiceOfThisFile() {
    ROLES.forEach(
        (name, loaded) -> {
          for (LauncherRoles.Server server : loaded.servers()) {
            assertThat(fieldNames(services))
                .as("%s: %s names host %s", name, server.setting(), server.host())
                .contains(server.host());
            Set<Integer> ports = new TreeSet<>();
            if (ROLES.containsKey(server.host())) {
              ROLES.get(server.host()).ports().forEach(p -> ports.add(p.port()));
            } else {
              Yaml.texts(services.path(server.host()).path("expose"))
                  .forEach(p -> ports.add(Integer.parseInt(p)));
            }
            assertThat(ports)
                .as("%s: %s → %s's ports", name, server.setting(), server.host())
                .contains(server.port());
            assertThat(dependsOn(services.path(name)))
                .as("%s starts after %s", name, server.host())
                .contains(server.host());
          }
        });
  }

  @Test
  void everyMountedFileExists() {
    services
        .fields()
        .forEachRemaining(
            entry -> {
              for (String volume : Yaml.texts(entry.getValue().path("volumes"))) {
                String source = volume.substring(0, volume.indexOf(':'));
                assertThat(source)
                    .as("%s: %s is a path relative to this file", entry.getKey(), volume)
                    .startsWith(".");
                Path path = DeployFiles.COMPOSE.resolve(source).normalize();
                assertThat(path).as("%s mounts %s", entry.getKey(), source).exists();
              }
            });
  }

  @Test
  void prometheusScrapesEveryRolesMetricsPortAndLoadsTheAlertRules() {
    JsonNode prometheus = services.path("prometheus");
    JsonNode config = Yaml.document(mountSource(prometheus, "/etc/prometheus/prometheus.yml"));
    Set<String> targets = new TreeSet<>();
    for (JsonNode job : config.path("scrape_configs")) {
      assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
      for (JsonNode staticConfig : job.path("static_configs")) {
        targets.addAll(Yaml.texts(staticConfig.path("targets")));
      }
    }
    Set<String> expected = new TreeSet<>();
    ROLES.forEach(
        (name, loaded) -> expected.add(name + ":" + RoleHealth.of(loaded.role()).port(loaded)));
    assertThat(targets).as("scrape targets vs every role's metrics port").isEqualTo(expected);

    List<String> rules = Yaml.texts(config.path("rule_files"));
    assertThat(rules).isNotEmpty();
    for (String rule : rules) {
      assertThat(mountSource(prometheus, rule)).isEqualTo(ObservabilityFiles.ALERTS);
    }
  }

  @Test
  void grafanaIsProvisionedWithPrometheusAndTheHeraldDashboard() {
    JsonNode grafana = services.path("grafana");
    Path provisioning = mountSource(grafana, "/etc/grafana/provisioning");
    JsonNode datasources = Yaml.document(provisioning.resolve("datasources/prometheus.yaml"));
    JsonNode datasource = datasources.path("datasources").get(0);
    assertThat(datasource.path("type").asText()).isEqualTo("prometheus");
    int prometheusPort =
        Integer.parseInt(
            Yaml.texts(services.path("prometheus").path("ports")).get(0).split(":")[1]);
    assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:" + prometheusPort);

    JsonNode dashboards = Yaml.document(provisioning.resolve("dashboards/herald.yaml"));
    String folder = dashboards.path("providers").get(0).path("options").path("path").asText();
    assertThat(mountSource(grafana, folder + "/herald.json"))
        .isEqualTo(ObservabilityFiles.DASHBOARD);
  }

  /** The file on this machine that a service mounts at {@code containerPath}. */
  private static Path mountSource(JsonNode service, String containerPath) {
    for (String volume : Yaml.texts(service.path("volumes"))) {
      String[] parts = volume.split(":");
      if (parts.length >= 2 && parts[1].equals(containerPath)) {
        return DeployFiles.COMPOSE.resolve(parts[0]).normalize();
      }
    }
    throw new AssertionError("nothing mounted at " + containerPath + " in " + service);
  }

  private static List<String> dependsOn(JsonNode service) {
    JsonNode dependsOn = service.path("depends_on");
    return dependsOn.isArray() ? Yaml.texts(dependsOn) : fieldNames(dependsOn);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
