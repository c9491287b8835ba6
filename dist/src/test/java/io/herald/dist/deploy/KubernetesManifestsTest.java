package io.herald.dist.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.herald.balancer.SelectionConfig;
import io.herald.comet.config.CometConfig;
import io.herald.dist.LauncherRoles;
import io.herald.job.config.JobConfig;
import io.herald.logic.ids.MessageIdsConfig;
import io.herald.logic.server.LogicConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/kubernetes/, checked without a cluster: every manifest parses strictly into fabric8's
 * Kubernetes models (an unknown field fails), each region's overlay resolves (its resources and
 * patches exist, each patch's target is in the base) into the objects kustomize would render, and
 * in those objects every role loads its embedded config under its pod's environment as the launcher
 * would, and the invariants that matter hold: probes and Services point at ports the configs really
 * listen on, a Comet's termination grace outlasts its drain, every server a role waits for is a
 * Service here, pod identities stay unique across regions.
 *
 * <p>When {@code kubectl} is on the PATH (it is not on every CI machine), {@link
 * #kubectlRendersWhatTheseChecksResolve} also renders each overlay with {@code kubectl kustomize}
 * and compares; the other checks do not need it.
 */
class KubernetesManifestsTest {
  /** A Comet's grace beyond its drain: the time to close what is left, deregister and exit. */
  private static final Duration COMET_STOP_MARGIN = Duration.ofSeconds(10);

  /** A Job's grace beyond kafka.revokeTimeout: the time to commit and leave the group. */
  private static final Duration JOB_STOP_MARGIN = Duration.ofSeconds(5);

  /** Scratch space for the pods' mounted files. */
  @TempDir static Path files;

  /** Each overlay rendered once for the class (the checks only read the objects). */
  private static final Map<Path, KustomizeBundle> BUNDLES = new ConcurrentHashMap<>();

  private static final Map<Path, List<KubernetesWorkload>> WORKLOADS = new ConcurrentHashMap<>();

  static Stream<Path> overlays() throws IOException {
    try (Stream<Path> listing = Files.list(DeployFiles.KUBERNETES.resolve("overlays"))) {
      return listing.filter(Files::isDirectory).sorted().toList().stream();
    }
  }

  private static KustomizeBundle bundle(Path overlay) {
    return BUNDLES.computeIfAbsent(overlay, KustomizeBundle::render);
  }

  private static List<KubernetesWorkload> workloads(Path overlay) throws IOException {
    List<KubernetesWorkload> workloads = WORKLOADS.get(overlay);
    if (workloads == null) {
      workloads = KubernetesWorkload.of(bundle(overlay), files);
      WORKLOADS.put(overlay, workloads);
    }
    return workloads;
  }

  @Test
  void everyManifestParsesStrictly() throws IOException {
    List<Path> manifests;
    try (Stream<Path> walk = Files.walk(DeployFiles.KUBERNETES)) {
      manifests = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(manifests).isNotEmpty();
    for (Path manifest : manifests) {
      if (manifest.getFileName().toString().equals("kustomization.yaml")) {
        Kustomization.read(manifest.getParent());
      } else {
        assertThat(
                KustomizeBundle.parseFile(manifest.getParent(), manifest.getFileName().toString()))
            .as("%s", manifest)
            .isNotEmpty();
      }
    }
  }

  @Test
  void theStrictParseRefusesAFieldTheModelDoesNotKnow() {
    JsonNode typo =
        Yaml.MAPPER.valueToTree(
            Map.of(
                "apiVersion",
                "apps/v1",
                "kind",
                "Deployment",
                "metadata",
                Map.of("name", "x"),
                "spec",
                Map.of(
                    "template",
                    Map.of(
                        "spec",
                        Map.of(
                            "containers",
                            List.of(Map.of("name", "x", "imagePullPolcy", "Always")))))));
    assertThatThrownBy(() -> KubernetesObjects.parse(typo))
        .hasMessageContaining("imagePullPolcy")
        .hasMessageContaining("spec.template.spec.containers[0]");
    JsonNode unknownKind = Yaml.MAPPER.valueToTree(Map.of("apiVersion", "v1", "kind", "Pod"));
    assertThatThrownBy(() -> KubernetesObjects.parse(unknownKind)).hasMessageContaining("v1/Pod");
  }

  @Test
  void thereIsAnOverlayForTwoOrMoreOfTheBalancersRegions() throws IOException {
    Set<String> regions =
        DeployFiles.balancerRegions().stream()
            .map(SelectionConfig.RegionEntry::name)
            .collect(Collectors.toSet());
    List<String> overlays = overlays().map(p -> p.getFileName().toString()).toList();
    assertThat(overlays).contains("cn-east", "cn-north");
    assertThat(regions).containsAll(overlays);
  }

  @Test
  void theEmbeddedConfigsAreTheFilesUnderDeploy() throws IOException {
    ConfigMap config =
        KustomizeBundle.parseFile(DeployFiles.KUBERNETES.resolve("base"), "config.yaml").stream()
            .map(ConfigMap.class::cast)
            .filter(c -> c.getMetadata().getName().equals("herald-config"))
            .findFirst()
            .orElseThrow();
    assertThat(config.getData().keySet())
        .containsExactlyInAnyOrderElementsOf(
            LauncherRoles.names().stream().map(role -> role + ".yaml").toList());
    for (String role : LauncherRoles.names()) {
      assertThat(config.getData().get(role + ".yaml"))
          .as(
              "base/config.yaml's %s.yaml is a verbatim copy of deploy/%s.yaml (its header says"
                  + " how to rewrite it)",
              role, role)
          .isEqualTo(Files.readString(DeployFiles.roleConfig(role)));
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyRoleRunsOnceAndLoadsItsConfigAsTheLauncherWould(Path overlay) throws IOException {
    List<KubernetesWorkload> workloads = workloads(overlay);
    assertThat(workloads.stream().map(KubernetesWorkload::role))
        .containsExactlyInAnyOrderElementsOf(LauncherRoles.names());
    for (KubernetesWorkload workload : workloads) {
      assertThat(workload.loaded().ignoredVariables())
          .as("%s: variables that set no config key (a typo is silently ignored)", workload.name())
          .isEmpty();
      // Key files, tokens, TLS files, the JDBC driver: what the launcher checks before it starts.
      LauncherRoles.check(workload.loaded());
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void containersDeclareExactlyThePortsTheirConfigsListenOn(Path overlay) throws IOException {
    for (KubernetesWorkload workload : workloads(overlay)) {
      Set<Integer> declared = new TreeSet<>();
      workload.container().getPorts().forEach(p -> declared.add(p.getContainerPort()));
      Set<Integer> listened = new TreeSet<>();
      workload.loaded().ports().forEach(p -> listened.add(p.port()));
      assertThat(declared)
          .as("%s: containerPorts vs the config's listeners", workload.name())
          .isEqualTo(listened);
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void probesAndMetricsPointAtTheRolesHealthPort(Path overlay) throws IOException {
    for (KubernetesWorkload workload : workloads(overlay)) {
      RoleHealth health = RoleHealth.of(workload.role());
      int port = health.port(workload.loaded());
      Probe readiness = workload.container().getReadinessProbe();
      assertThat(readiness).as("%s: readinessProbe", workload.name()).isNotNull();
      assertThat(readiness.getHttpGet()).as("%s: readiness over HTTP", workload.name()).isNotNull();
      assertThat(readiness.getHttpGet().getPath())
          .as("%s: readiness path", workload.name())
          .isEqualTo(health.ready());
      assertThat(workload.containerPort(readiness.getHttpGet().getPort()))
          .as("%s: readiness port", workload.name())
          .hasValue(port);

      Probe liveness = workload.container().getLivenessProbe();
      assertThat(liveness).as("%s: livenessProbe", workload.name()).isNotNull();
      if (liveness.getHttpGet() != null) {
        assertThat(liveness.getHttpGet().getPath())
            .as("%s: liveness path", workload.name())
            .isEqualTo(health.live());
        assertThat(workload.containerPort(liveness.getHttpGet().getPort())).hasValue(port);
      } else {
        assertThat(liveness.getTcpSocket())
            .as("%s: liveness over HTTP or TCP", workload.name())
            .isNotNull();
        assertThat(workload.containerPort(liveness.getTcpSocket().getPort())).hasValue(port);
      }

      Map<String, String> annotations =
          KustomizeBundle.podTemplate(workload.object())
              .orElseThrow()
              .getMetadata()
              .getAnnotations();
      assertThat(annotations)
          .as("%s: Prometheus scrape annotations", workload.name())
          .containsEntry("prometheus.io/port", Integer.toString(port))
          .containsEntry("prometheus.io/path", "/metrics");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void servicesSelectARoleAndPointAtPortsItListensOn(Path overlay) throws IOException {
    KustomizeBundle bundle = bundle(overlay);
    List<KubernetesWorkload> workloads = workloads(overlay);
    for (Service service : bundle.all(Service.class)) {
      String name = service.getMetadata().getName();
      if ("ExternalName".equals(service.getSpec().getType())) {
        assertThat(service.getSpec().getExternalName()).as("%s: externalName", name).isNotBlank();
        continue;
      }
      Map<String, String> selector = service.getSpec().getSelector();
      assertThat(selector).as("%s: selector", name).isNotEmpty();
      List<KubernetesWorkload> selected =
          workloads.stream()
              .filter(w -> w.podLabels().entrySet().containsAll(selector.entrySet()))
              .toList();
      assertThat(selected).as("%s: the workload it selects", name).hasSize(1);
      KubernetesWorkload workload = selected.get(0);
      for (ServicePort port : service.getSpec().getPorts()) {
        IntOrString target =
            port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
        assertThat(workload.containerPort(target))
            .as("%s: port %s targets a port %s listens on", name, port.getName(), workload.name())
            .isPresent();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyServerARoleWaitsForIsAServiceHere(Path overlay) throws IOException {
    KustomizeBundle bundle = bundle(overlay);
    for (KubernetesWorkload workload : workloads(overlay)) {
      for (LauncherRoles.Server server : workload.loaded().servers()) {
        Service service =
            bundle
                .service(server.host())
                .orElseThrow(
                    () ->
                        new AssertionError(
                            workload.name()
                                + ": "
                                + server.setting()
                                + " names host "
                                + server.host()
                                + ", which is no Service in "
                                + overlay));
        assertThat(service.getSpec().getPorts().stream().map(ServicePort::getPort))
            .as("%s: %s → Service %s's ports", workload.name(), server.setting(), server.host())
            .contains(server.port());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void cometsDrainWithinTheirGraceBehindALoadBalancerThatKeepsLongConnections(Path overlay)
      throws IOException {
    KustomizeBundle bundle = bundle(overlay);
    KubernetesWorkload comet = only(workloads(overlay), "comet");
    assertThat(comet.object())
        .as("Comets are a StatefulSet (stable pod names)")
        .isInstanceOf(StatefulSet.class);
    CometConfig config = (CometConfig) comet.loaded().config();

    long grace = comet.pod().getTerminationGracePeriodSeconds();
    assertThat(Duration.ofSeconds(grace))
        .as(
            "terminationGracePeriodSeconds %s vs drain %s + %s",
            grace, config.drain(), COMET_STOP_MARGIN)
        .isGreaterThanOrEqualTo(config.drain().plus(COMET_STOP_MARGIN));

    assertThat(config.node().region())
        .as("the Comets' region is the overlay's")
        .isEqualTo(overlay.getFileName().toString());
    SelectionConfig.RegionEntry region =
        DeployFiles.balancerRegions().stream()
            .filter(r -> r.name().equals(config.node().region()))
            .findFirst()
            .orElseThrow();
    assertThat(config.node().latitude()).isEqualTo(region.latitude());
    assertThat(config.node().longitude()).isEqualTo(region.longitude());

    assertThat(bundle.all(PodDisruptionBudget.class))
        .as("a PodDisruptionBudget for the Comets")
        .anySatisfy(
            pdb ->
                assertThat(comet.podLabels())
                    .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels()));
    assertThat(comet.pod().getTopologySpreadConstraints())
        .as("Comets spread across nodes")
        .anySatisfy(c -> assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));

    Set<Integer> clientPorts = Set.of(config.listen().tcpPort(), config.listen().wsPort());
    List<Service> balancers =
        bundle.all(Service.class).stream()
            .filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
            .filter(
                s -> comet.podLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
            .toList();
    assertThat(balancers).as("an L4 LoadBalancer Service for the Comets' clients").hasSize(1);
    Service service = balancers.get(0);
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(service.getSpec().getPorts())
        .allSatisfy(p -> assertThat(p.getProtocol()).isEqualTo("TCP"))
        .extracting(p -> comet.containerPort(p.getTargetPort()).orElseThrow())
        .containsExactlyInAnyOrderElementsOf(clientPorts);
    assertThat(config.node().tcpAddress())
        .as("clients reach the load balancer")
        .endsWith(":" + config.listen().tcpPort());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void jobsLeaveTheirGroupWithinTheirGraceAndDoNotAutoscalePastThePartitions(Path overlay)
      throws IOException {
    KustomizeBundle bundle = bundle(overlay);
    KubernetesWorkload job = only(workloads(overlay), "job");
    Duration revoke = ((JobConfig) job.loaded().config()).kafka().revokeTimeout();
    assertThat(Duration.ofSeconds(job.pod().getTerminationGracePeriodSeconds()))
        .as("Job's grace vs kafka.revokeTimeout %s + %s", revoke, JOB_STOP_MARGIN)
        .isGreaterThanOrEqualTo(revoke.plus(JOB_STOP_MARGIN));
    assertThat(bundle.all(HorizontalPodAutoscaler.class))
        .as("no autoscaler for Job: more Jobs than partitions idle")
        .noneSatisfy(
            hpa -> assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(job.name()));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void autoscalersTargetWorkloadsHereAndScaledLogicTakesIdsFromIdGen(Path overlay)
      throws IOException {
    KustomizeBundle bundle = bundle(overlay);
    List<KubernetesWorkload> workloads = workloads(overlay);
    for (HorizontalPodAutoscaler hpa : bundle.all(HorizontalPodAutoscaler.class)) {
      var target = hpa.getSpec().getScaleTargetRef();
      assertThat(workloads)
          .as(
              "%s: scaleTargetRef %s/%s",
              hpa.getMetadata().getName(), target.getKind(), target.getName())
          .anySatisfy(
              w -> {
                assertThat(w.object().getKind()).isEqualTo(target.getKind());
                assertThat(w.name()).isEqualTo(target.getName());
              });
      assertThat(hpa.getSpec().getMinReplicas())
          .isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
    }
    // Logic instances cannot keep hand-made instance ids unique when replicas come and go.
    LogicConfig logic = (LogicConfig) only(workloads, "logic").loaded().config();
    assertThat(logic.push().messageIds().source()).isEqualTo(MessageIdsConfig.IDGEN);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void podsRunAsTheImagesUserWithoutServiceLinks(Path overlay) throws IOException {
    int uid = Dockerfile.read(DeployFiles.DOCKERFILE).uid();
    for (KubernetesWorkload workload : workloads(overlay)) {
      var security = workload.pod().getSecurityContext();
      assertThat(security.getRunAsNonRoot()).as("%s: runAsNonRoot", workload.name()).isTrue();
      assertThat(security.getRunAsUser())
          .as("%s: runAsUser = the image's USER", workload.name())
          .isEqualTo(uid);
      // Services named like a role would otherwise set e.g. COMET_PORT in every pod: variables
      // with the role's prefix that the launcher warns about.
      assertThat(workload.pod().getEnableServiceLinks())
          .as("%s: enableServiceLinks", workload.name())
          .isFalse();
      assertThat(workload.container().getImage()).as("%s: image", workload.name()).contains(":");
    }
  }

  @Test
  void cometServerIdsAndJobMemberIdsAreUniqueAcrossEveryRegionsPods() throws IOException {
    Set<String> serverIds = new HashSet<>();
    Set<String> jobIds = new HashSet<>();
    int comets = 0;
    int jobs = 0;
    for (Path overlay : overlays().toList()) {
      KustomizeBundle bundle = bundle(overlay);
      for (StatefulSet set : bundle.all(StatefulSet.class)) {
        for (int ordinal = 0; ordinal < set.getSpec().getReplicas(); ordinal++) {
          KubernetesWorkload pod =
              KubernetesWorkload.of(
                  bundle,
                  set,
                  set.getSpec().getTemplate(),
                  KubernetesWorkload.podName(set, ordinal),
                  files);
          if (pod.role().equals("comet")) {
            comets++;
            serverIds.add(((CometConfig) pod.loaded().config()).node().serverId());
          } else if (pod.role().equals("job")) {
            jobs++;
            jobIds.add(((JobConfig) pod.loaded().config()).kafka().instanceId());
          }
        }
      }
    }
    assertThat(comets).isGreaterThanOrEqualTo(4);
    assertThat(serverIds).as("node.serverId of every Comet pod").hasSize(comets);
    assertThat(jobIds).as("kafka.instanceId of every Job pod").hasSize(jobs).doesNotContain("");
  }

  @Test
  void exampleSecretsAreMarkedForReplacement() throws IOException {
    List<Secret> secrets =
        KustomizeBundle.parseFile(DeployFiles.KUBERNETES.resolve("base"), "secrets.yaml").stream()
            .map(Secret.class::cast)
            .toList();
    assertThat(secrets)
        .extracting(s -> s.getMetadata().getName())
        .contains("herald-push-api", "herald-jwt", "herald-database");
    for (Secret secret : secrets) {
      assertThat(secret.getMetadata().getAnnotations())
          .as("%s is marked as example values", secret.getMetadata().getName())
          .containsEntry("herald.io/example", "REPLACE these values before use");
    }
    KustomizeBundle bundle = bundle(overlays().findFirst().orElseThrow());
    assertThat(bundle.secretValue("herald-push-api", "tokens"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("REPLACE-ME"));
    assertThat(bundle.secretValue("herald-database", "password"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("REPLACE-ME"));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void kubectlRendersWhatTheseChecksResolve(Path overlay) throws Exception {
    // An extra where kubectl is installed: every other check here stands without it.
    assumeThat(onPath("kubectl")).as("kubectl on the PATH").isTrue();
    Process process =
        new ProcessBuilder("kubectl", "kustomize", overlay.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize %s", overlay).isZero();
    Path rendered = files.resolve("rendered.yaml");
    Files.write(rendered, output);
    List<HasMetadata> kubectl = new ArrayList<>();
    for (JsonNode document : Yaml.documents(rendered)) {
      kubectl.add(KubernetesObjects.parse(document));
    }
    List<HasMetadata> ours = bundle(overlay).objects;
    assertThat(ids(kubectl)).isEqualTo(ids(ours));
    for (HasMetadata mine : ours) {
      HasMetadata theirs =
          kubectl.stream()
              .filter(o -> KustomizeBundle.sameObject(o, mine))
              .findFirst()
              .orElseThrow();
      assertThat(KubernetesObjects.tree(theirs))
          .as("%s as kubectl renders it", KustomizeBundle.id(mine))
          .isEqualTo(KubernetesObjects.tree(mine));
    }
  }

  private static Set<String> ids(List<HasMetadata> objects) {
    return objects.stream()
        .map(o -> KustomizeBundle.id(o) + " in " + o.getMetadata().getNamespace())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static KubernetesWorkload only(List<KubernetesWorkload> workloads, String role) {
    List<KubernetesWorkload> matching =
        workloads.stream().filter(w -> w.role().equals(role)).toList();
    assertThat(matching).as("workloads running %s", role).hasSize(1);
    return matching.get(0);
  }

  static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(java.io.File.pathSeparator))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
