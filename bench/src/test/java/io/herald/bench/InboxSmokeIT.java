package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.herald.bench.scenario.InboxCommand;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The inbox scenario in miniature on the test kit's Redis and Kafka: stored pushes through Logic
 * into inboxes (and to the few users online, through Kafka, Job and the Comet), then devices that
 * missed 20 and 50 messages pull them with SYNC, one reply and several. The scenario itself fails
 * when a message is missing, repeated or out of order; this asserts that it ran and delivered,
 * never a speed.
 */
@RealRedis
@RealKafka
class InboxSmokeIT {
  @Test
  void storesAndSyncsInOrder(RedisServer redis, KafkaBroker kafka) {
    InboxCommand inbox = new InboxCommand();

    int exit =
        new CommandLine(inbox)
            .execute(
                "--users=50",
                "--online=10",
                "--concurrency=4",
                "--duration=2",
                "--warmup=1",
                "--missed=20,50",
                "--sync-limits=0,10",
                "--repeats=2",
                "--sync-warmup=0",
                "--heap=256m",
                "--kafka=" + kafka.bootstrapServers(),
                "--redis=" + redis.uri());

    assertThat(exit).isZero();
    assertThat(inbox.steps()).hasSize(1);
    InboxCommand.StoreStep step = inbox.steps().get(0);
    assertThat(step.accepted()).isPositive();
    assertThat(step.refused()).isZero();
    assertThat(step.onlineExpected()).isPositive();
    assertThat(step.onlineDelivered()).isEqualTo(step.onlineExpected());
    assertThat(inbox.syncs())
        .extracting(InboxCommand.SyncCase::missed, InboxCommand.SyncCase::limit)
        .containsExactly(tuple(20, 0), tuple(20, 10), tuple(50, 0), tuple(50, 10));
    assertThat(inbox.syncs()).allSatisfy(sync -> assertThat(sync.outcomes()).hasSize(2));
    // 50 messages at 10 per SYNC: the device followed `more` through five replies.
    assertThat(inbox.syncs().get(3).outcomes())
        .allSatisfy(outcome -> assertThat(outcome.roundTrips()).isGreaterThanOrEqualTo(5));
  }
}
