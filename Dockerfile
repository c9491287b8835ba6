# One image for every Herald role: `docker run IMAGE <role> --config /etc/herald/<role>.yaml`, where
# <role> is logic, comet, job, balancer, idgen or standalone (the launcher's subcommands; `--help`
# lists them). Built from this repository with its Maven wrapper, so the image is what `./mvnw`
# builds here:
#
#   docker build -t herald:0.1.0-SNAPSHOT .
#
# The bases are pinned to an exact Temurin release (17.0.15+6, the JDK the build is checked with).
# Pin them by digest too where your registry policy asks for it (`docker buildx imagetools inspect
# eclipse-temurin:<tag>` prints it): these tags were not resolved to digests here. The image
# definition is checked statically by dist/.../deploy/ImageDefinitionTest (docs/deploy.md).

# ---- build: the launcher jar and its lib/ with the project's own wrapper and build ----
FROM eclipse-temurin:17.0.15_6-jdk-jammy AS build
WORKDIR /src
COPY . .
# Tests run in CI, not in the image build; Spotless is a source check, not a build step. The cache
# mount (BuildKit, Docker's default builder since 23.0) keeps Maven's downloads between builds.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl dist -am package -DskipTests -Dspotless.check.skip=true

# ---- run: a JRE, the launcher, its libraries and the example configs, as a non-root user ----
FROM eclipse-temurin:17.0.15_6-jre-jammy
RUN groupadd --system --gid 10001 herald \
 && useradd --system --uid 10001 --gid herald --home-dir /var/lib/herald --shell /usr/sbin/nologin herald \
 && mkdir -p /var/lib/herald \
 && chown herald:herald /var/lib/herald
COPY --from=build /src/dist/target/herald.jar /opt/herald/herald.jar
COPY --from=build /src/dist/target/lib/ /opt/herald/lib/
# The example configs (deploy/*.yaml); compose and Kubernetes mount their own over /etc/herald/.
COPY deploy/balancer.yaml deploy/comet.yaml deploy/idgen.yaml deploy/job.yaml deploy/logic.yaml /etc/herald/
# `herald-health PORT PATH`: an HTTP probe with no curl or wget needed (compose health checks).
COPY bin/herald-health /opt/herald/bin/herald-health
# H2 files of `standalone` and a default IdGen land under the working directory (./data).
WORKDIR /var/lib/herald
USER 10001:10001

# Container-aware heap: a share of the container's memory limit rather than a fixed -Xmx, so a
# pod's limit sizes the JVM; an OutOfMemoryError ends the process for the orchestrator to restart.
# The collector and its flags are bin/jvm.options, the launcher's defaults (docs/operations.md, "The
# JVM"; JvmDefaultsTest keeps the two the same). The `java` launcher reads JDK_JAVA_OPTIONS: set it
# to replace these flags.
ENV JDK_JAVA_OPTIONS="-XX:InitialRAMPercentage=50.0 -XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -XX:+UseShenandoahGC"

# Every port the roles listen on with deploy/*.yaml (one role uses some of them):
#   comet 3101 TCP, 3102 WebSocket, 3103 WSS, 3109 gRPC, 3108 operator HTTP (/health, /ready, /metrics)
#   logic 3111 HTTP (push API, /ready, /live, /metrics), 3119 gRPC
#   job 3129 (/health, /live, /metrics); balancer 3131 (GET /nodes, /health, /metrics)
#   idgen 3121 (gRPC, /ids, /health, /metrics)
EXPOSE 3101 3102 3103 3108 3109 3111 3119 3121 3129 3131

# A HEALTHCHECK depends on the role, so none is baked in: compose declares one per service with
# herald-health, Kubernetes uses probes. The endpoints per role (port as in deploy/<role>.yaml):
LABEL org.opencontainers.image.title="herald" \
      org.opencontainers.image.description="Herald push gateway: one image, every role (herald <role>)" \
      io.herald.health.comet="3108 /ready /health" \
      io.herald.health.logic="3111 /ready /live" \
      io.herald.health.job="3129 /health /live" \
      io.herald.health.balancer="3131 /health /health" \
      io.herald.health.idgen="3121 /health /health"

# The JVM is PID 1 and takes SIGTERM itself: a Comet drains, Job commits and leaves its group.
ENTRYPOINT ["java", "-jar", "/opt/herald/herald.jar"]
CMD ["--help"]
