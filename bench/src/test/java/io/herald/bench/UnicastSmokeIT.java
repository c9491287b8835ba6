package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.scenario.UnicastCommand;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The unicast scenario in miniature on the test kit's Redis and Kafka: pushes by user through Logic
 * (its HTTP and its gRPC API), Kafka, Job and the Comet all arrive. Asserts delivery, never a
 * speed.
 */
@RealRedis
@RealKafka
class UnicastSmokeIT {
  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void everyPushArrives(String api, RedisServer redis, KafkaBroker kafka) {
    UnicastCommand unicast = new UnicastCommand();

    int exit =
        new CommandLine(unicast)
            .execute(
                "--api=" + api,
                "--connections=100",
                "--rates=50",
                "--duration=2",
                "--warmup=1",
                "--max-p99-ms=100000",
                "--heap=256m",
                "--kafka=" + kafka.bootstrapServers(),
                "--redis=" + redis.uri());

    assertThat(exit).isZero();
    assertThat(unicast.results()).hasSize(1);
    UnicastCommand.Result step = unicast.results().get(0);
    assertThat(step.sent()).isEqualTo(100);
    assertThat(step.refused()).isZero();
    assertThat(step.delivered()).isEqualTo(step.sent());
  }
}
